"""The registry views on the web (/registry …) and as JSON (/api/registry/…): what an access
provider and a regulator see, and changing a finding's state through a page and the API."""

from __future__ import annotations

import datetime as dt
import functools
import re

import pytest

from accounts.accountkit import cheap_config, make_org, make_user
from accounts.webkit import EN, HTML, cheap_app, form_value, logged_in
from jingwang.accounts.models import Organisation
from jingwang.registry.models import (
    Connection,
    Domain,
    Finding,
    IcpFiledDomain,
    IcpFiling,
    Landing,
    OperatorLicence,
    PromotionChannel,
    SubletEdge,
)
from jingwang.registry.orgpick import PICK_LIMIT, SUGGEST_LIMIT
from jingwang.registry.tree import sublet_tree
from jingwang.web.routes import registry as registry_routes

START = dt.date(2010, 1, 1)
PORN_URL = "http://porn.example.cn/landing?ch=77"


def _domain(session, name):
    row = Domain(name=name)
    session.add(row)
    session.flush()
    return row.id


def _finding(session, addressee, rule, province, subject, domain_id=None):
    finding = Finding(
        rule=rule,
        key=f"{rule}:{subject}",
        severity="high",
        addressee_org_id=addressee,
        province=province,
        domain_id=domain_id,
        subject=subject,
        evidence={"domain": subject, "connected_since": "2010-01-01"},
    )
    session.add(finding)
    session.flush()
    return finding.id


@pytest.fixture
def world(live_db):
    """Fast Access (GD) lets to Reseller One (unlicensed), which connects an unfiled site; Other
    Access (BJ) connects its own; the GD regulator sits below the national one; a carrier's
    promotion channel leads to a porn site."""
    with live_db.session() as s:
        ap = make_org(s, "Fast Access", "access_provider", "GD")
        reseller = make_org(s, "Reseller One", "reseller", "GD", parent=ap)
        other = make_org(s, "Other Access", "access_provider", "BJ")
        miit = make_org(s, "National Regulator", "regulator", "CN")
        gd = make_org(s, "GD Regulator", "regulator", "GD", parent=miit)
        carrier = make_org(s, "Huaxia Mobile", "carrier", "GD")
        config = cheap_config()
        make_user(s, ap, "ap-liaison", ["liaison"], config=config)
        make_user(s, other, "other-liaison", ["liaison"], config=config)
        make_user(s, gd, "gd-analyst", ["analyst"], config=config)
        make_user(s, carrier, "carrier-liaison", ["liaison"], config=config)
        filed, unfiled, far = (_domain(s, n) for n in ("filed.cn", "unfiled.cn", "far.cn"))
        porn = _domain(s, "porn.example.cn")
        filing = IcpFiling(
            number="粤ICP备10000001号",
            kind="filing",
            holder="Holder",
            province="GD",
            status="active",
            valid_from=START,
        )
        s.add(filing)
        s.flush()
        s.add(IcpFiledDomain(filing_id=filing.id, domain_id=filed))
        s.add_all(
            [
                Connection(provider_org_id=ap.id, domain_id=filed, valid_from=START),
                Connection(
                    provider_org_id=reseller.id,
                    domain_id=unfiled,
                    ip_range="10.1.2.0/24",
                    valid_from=START,
                ),
                Connection(provider_org_id=other.id, domain_id=far, valid_from=START),
                SubletEdge(
                    parent_org_id=ap.id,
                    child_org_id=reseller.id,
                    ip_range="10.1.0.0/16",
                    evidence="contract R-1",
                    valid_from=START,
                ),
                OperatorLicence(
                    org_id=ap.id, number="B1-1", kind="idc", status="active", valid_from=START
                ),
            ]
        )
        channel = PromotionChannel(
            carrier_org_id=carrier.id,
            partner_name="Partner 77",
            code="CH77",
            status="active",
            valid_from=START,
        )
        s.add(channel)
        s.flush()
        s.add(Landing(owner_kind="channel", owner_id=channel.id, url=PORN_URL, domain_id=porn))
        ids = {
            "ap": ap.id,
            "reseller": reseller.id,
            "unfiled": _finding(s, reseller.id, "unfiled_site", "GD", "unfiled.cn", unfiled),
            "unlicensed": _finding(s, reseller.id, "unlicensed_reseller", "GD", "Reseller One"),
            "far": _finding(s, other.id, "unfiled_site", "BJ", "far.cn", far),
        }
    return ids


@pytest.fixture
def as_user(live_settings):
    with logged_in(cheap_app(live_settings)) as login:
        yield login


def _csrf(client):
    return form_value(client.get("/registry", headers=HTML).text, "csrf_token")


def test_an_access_provider_sees_its_figures_inventory_tree_and_findings(world, as_user):
    client = as_user("ap-liaison")
    home = client.get("/registry", headers=EN)
    assert home.status_code == 200
    assert 'href="/registry"' in home.text  # the nav entry
    assert 'data-figure="connected"><a href="/registry/connections">2<' in home.text
    assert "50.0%" in home.text
    assert 'href="/registry/connect-check"' in home.text
    connections = client.get("/registry/connections?filed=no", headers=EN).text
    assert ">unfiled.cn<" in connections
    assert ">filed.cn<" not in connections
    assert "far.cn" not in client.get("/registry/connections", headers=EN).text
    tree = client.get("/registry/sublets", headers=EN).text
    assert re.search(f'class="node unlicensed" data-org-id="{world["reseller"]}"', tree)
    assert "10.1.0.0/16" in tree
    assert "contract R-1" in tree
    findings = client.get("/registry/findings", headers=EN).text
    assert f'data-finding-id="{world["unfiled"]}"' in findings
    assert f'data-finding-id="{world["far"]}"' not in findings
    assert client.get(f"/registry/findings/{world['far']}", headers=EN).status_code == 404
    page = client.get(f"/registry/findings/{world['unfiled']}", headers=EN).text
    assert "connected_since" in page
    assert "2010-01-01" in page
    assert 'value="acknowledged"' in page
    assert 'value="false_positive"' not in page


def test_htmx_gets_only_the_results_and_the_state_panel(world, as_user):
    client = as_user("ap-liaison")
    fragment = client.get(
        "/registry/findings?rule=unlicensed_reseller",
        headers={**EN, "HX-Request": "true", "HX-Target": "registry-results"},
    )
    assert fragment.text.lstrip().startswith("<section")
    assert fragment.headers["HX-Push-Url"] == "/registry/findings?rule=unlicensed_reseller"
    assert f'data-finding-id="{world["unlicensed"]}"' in fragment.text
    headers = {
        **EN,
        "HX-Request": "true",
        "HX-Target": "finding-state",
        "X-CSRF-Token": _csrf(client),
    }
    url = f"/registry/findings/{world['unfiled']}/state"
    changed = client.post(url, data={"state": "acknowledged", "note": "on it"}, headers=headers)
    assert changed.status_code == 200
    assert changed.text.lstrip().startswith("<section")
    assert 'data-state="acknowledged"' in changed.text
    assert "on it" in changed.text
    refused = client.post(url, data={"state": "false_positive", "note": "x"}, headers=headers)
    assert refused.status_code == 403
    again = client.post(url, data={"state": "acknowledged"}, headers=headers)
    assert again.status_code == 409
    assert "registry.state_conflict" in again.text


def test_a_regulator_sees_its_province_and_marks_a_false_positive(world, as_user):
    client = as_user("gd-analyst")
    home = client.get("/registry?province=GD", headers=EN)
    assert home.status_code == 200
    assert 'name="province" disabled' in home.text
    findings = client.get("/registry/findings", headers=EN).text
    assert f'data-finding-id="{world["unfiled"]}"' in findings
    assert f'data-finding-id="{world["far"]}"' not in findings
    url = f"/registry/findings/{world['unlicensed']}/state"
    csrf = _csrf(client)
    no_note = client.post(url, data={"state": "false_positive", "csrf_token": csrf}, headers=EN)
    assert no_note.status_code == 422
    assert 'data-error-code="registry.note_required"' in no_note.text
    data = {"state": "false_positive", "note": "holds a licence", "csrf_token": csrf}
    done = client.post(url, data=data, headers=EN, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"], headers=EN).text
    assert "holds a licence" in page
    assert 'data-state="false_positive"' in page
    assert "gd-analyst" in page  # the history row


def test_empty_form_fields_mean_no_filter(world, as_user):
    client = as_user("ap-liaison")
    for path in (
        "/registry?on=&org=&province=",
        "/registry/connections?on=&provider=&domain=&filed=",
        "/registry/findings?state=&rule=&severity=&addressee=&domain=",
        "/registry/sublets?on=&org=",
    ):
        assert client.get(path, headers=EN).status_code == 200, path
    bad = client.get("/registry/connections?on=2010-13-01", headers=EN)
    assert bad.status_code == 422


def test_pages_are_in_chinese_by_default(world, as_user):
    client = as_user("ap-liaison")
    for path in ("/registry", "/registry/sublets", "/registry/findings", "/registry/filings"):
        page = client.get(path, headers=HTML)
        assert page.status_code == 200, path
        assert '<html lang="zh-CN">' in page.text
    assert "备案率" in client.get("/registry", headers=HTML).text
    assert "无许可证" in client.get("/registry/sublets", headers=HTML).text


def test_landing_urls_are_text_never_links(world, as_user):
    page = as_user("carrier-liaison").get("/registry/channels", headers=EN).text
    assert PORN_URL.replace("&", "&amp;") in page or PORN_URL in page
    assert f'href="{PORN_URL}' not in page
    assert "porn.example.cn/landing" in page
    assert not re.search(r"<a[^>]+porn\.example", page)


def test_channels_and_sp_services_pages_each_show_their_kind(world, as_user):
    client = as_user("carrier-liaison")
    channels = client.get("/registry/channels", headers=EN).text
    services = client.get("/registry/sp-services", headers=EN).text
    assert "<h1>Promotion channels</h1>" in channels
    assert "<th>Billing</th>" not in channels
    assert "<h1>SP services</h1>" in services
    assert "<th>Billing</th>" in services


def test_the_api_lists_and_changes_state(world, as_user):
    client = as_user("ap-liaison")
    page = client.get("/api/registry/findings?limit=1").json()
    assert page["total"] == 2
    assert len(page["items"]) == 1
    figures = client.get("/api/registry/compliance").json()
    assert (figures["connected"], figures["filed"], figures["open_findings"]) == (2, 1, 2)
    tree = client.get("/api/registry/sublets/tree").json()
    assert tree[0]["name"] == "Fast Access"
    assert tree[0]["children"][0]["licensed"] is False
    connections = client.get("/api/registry/connections?filed=false").json()
    assert [c["domain"] for c in connections["items"]] == ["unfiled.cn"]
    filings = client.get("/api/registry/filings?domain=filed.cn").json()
    assert filings["items"][0]["number"] == "粤ICP备10000001号"
    who = client.get("/api/registry/who-connected?domain=unfiled.cn&on=2010-02-01").json()
    assert [w["provider"] for w in who] == ["Reseller One"]
    url = f"/api/registry/findings/{world['unfiled']}/state"
    headers = {"X-CSRF-Token": _csrf(client)}
    fixed = client.post(url, json={"state": "fixed"}, headers=headers)
    assert fixed.status_code == 200
    assert fixed.json()["state"] == "fixed"
    detail = client.get(f"/api/registry/findings/{world['unfiled']}").json()
    assert [h["after"] for h in detail["history"]] == ["fixed"]
    bad = client.post(url, json={"state": "closed"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "registry.unknown_state"
    other = as_user("other-liaison")
    assert other.get(f"/api/registry/findings/{world['unfiled']}").status_code == 404


# Organisation filters at scale, and the sublet tree's node budget ---------------------------


def _many_resellers(live_db, parent_id, count):
    """``count`` resellers below ``parent_id``: more than a dropdown lists."""
    with live_db.session() as s:
        s.add_all(
            Organisation(
                name=f"Bulk Reseller {n:03d}", kind="reseller", province="GD", parent_id=parent_id
            )
            for n in range(count)
        )


def test_a_few_organisations_are_a_dropdown_and_a_typed_name_resolves(world, as_user):
    client = as_user("ap-liaison")
    page = client.get("/registry/sublets", headers=EN).text
    assert '<select id="f-org" name="org">' in page
    assert f'<option value="{world["reseller"]}">Reseller One</option>' in page
    picked = client.get("/registry/sublets?org=reseller+one", headers=EN)
    assert picked.status_code == 200
    assert f'<option value="{world["reseller"]}" selected>' in picked.text
    assert f'data-org-id="{world["ap"]}"' not in picked.text
    by_id = client.get(f"/registry?org={world['reseller']}", headers=EN)
    assert by_id.status_code == 200
    connections = client.get("/registry/connections?provider=Reseller One", headers=EN).text
    assert ">unfiled.cn<" in connections
    assert ">filed.cn<" not in connections
    assert client.get("/registry?org=99999999999999999999", headers=EN).status_code == 422
    assert "<option" not in client.get("/registry/orgs/suggest?q=99999999999999999999").text
    for path in ("/registry?org=Nobody", "/registry/sublets?org=Other Access"):
        unknown = client.get(path, headers=EN)  # out of reach reads as unknown
        assert unknown.status_code == 422, path
        assert "no organisation called" in unknown.text
        assert "pick one of the suggestions" in unknown.text


def test_suggestions_are_within_reach_and_few(world, as_user):
    client = as_user("ap-liaison")
    found = client.get("/registry/orgs/suggest?q=ACC", headers=EN)
    assert found.status_code == 200
    assert f'<option value="Fast Access" data-org-id="{world["ap"]}">' in found.text
    assert "Other Access" not in found.text
    sent_by_field = client.get("/registry/orgs/suggest?provider=one", headers=EN).text
    assert f'data-org-id="{world["reseller"]}"' in sent_by_field
    by_id = client.get(f"/registry/orgs/suggest?org={world['reseller']}", headers=EN).text
    assert "Reseller One" in by_id
    assert "<option" not in client.get("/registry/orgs/suggest?q=%25", headers=EN).text
    assert "<option" not in client.get("/registry/orgs/suggest", headers=EN).text


def test_many_organisations_are_a_text_field_with_suggestions(world, as_user, live_db):
    _many_resellers(live_db, world["ap"], PICK_LIMIT)  # with Fast Access and Reseller One
    client = as_user("ap-liaison")
    page = client.get("/registry/sublets?org=Reseller One", headers=EN).text
    assert '<select id="f-org"' not in page
    assert 'list="f-org-suggestions"' in page
    assert 'value="Reseller One"' in page
    assert 'hx-get="/registry/orgs/suggest"' in page
    assert '<datalist id="f-org-suggestions"></datalist>' in page
    assert 'list="f-provider-suggestions"' in client.get("/registry/connections", headers=EN).text
    home = client.get(f"/registry?org={world['reseller']}", headers=EN).text
    assert 'value="Reseller One"' in home
    findings = client.get("/registry/findings?addressee=Reseller One", headers=EN)
    assert findings.status_code == 200
    assert f'data-finding-id="{world["unfiled"]}"' in findings.text
    bulk = client.get("/registry/orgs/suggest?q=bulk", headers=EN).text
    assert bulk.count("<option") == SUGGEST_LIMIT
    assert "Bulk Reseller 000" in bulk


def test_the_sublet_page_collapses_and_cuts_a_tree_over_the_budget(world, as_user, monkeypatch):
    # The budget is a keyword of sublet_tree; the page uses the default (1,000), here 1.
    monkeypatch.setattr(registry_routes, "sublet_tree", functools.partial(sublet_tree, budget=1))
    client = as_user("ap-liaison")
    page = client.get("/registry/sublets", headers=EN).text
    assert "these are the tops of the chains" in page
    assert f'href="/registry/sublets?org={world["ap"]}&amp;on="' in page
    assert "lets to 1: see its tree" in page
    assert f'data-org-id="{world["reseller"]}"' not in page
    cut = client.get(f"/registry/sublets?org={world['ap']}", headers=EN).text
    assert "it is cut, level by level" in cut
    assert "0 of 1 shown: see its tree" in cut
    api = client.get("/api/registry/sublets/tree").json()
    assert (api[0]["collapsed"], api[0]["child_count"], api[0]["truncated"]) == (False, 1, False)
