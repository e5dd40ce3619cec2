"""Each of the nine audit rules, on crafted data: one case it finds, one it must not."""

from __future__ import annotations

import datetime as dt
import itertools

from registry_auditkit import (
    ON,
    audit,
    channel,
    connect,
    decide,
    domain_id,
    filing,
    findings,
    keys,
    let,
    licence,
    org,
    site,
)
from sqlalchemy.orm import Session

from jingwang.registry.audits import RULE_INFO, RULES, normalise_holder
from jingwang.registry.observations import record_page_numbers

SEEN = dt.datetime(2010, 5, 1, tzinfo=dt.UTC)


def test_the_catalogue_describes_nine_rules_in_both_languages() -> None:
    assert list(RULES) == [
        "unfiled_site_connected",
        "filing_revoked_or_expired",
        "domain_not_in_filing",
        "holder_mismatch",
        "page_number_mismatch",
        "sublet_too_deep",
        "unlicensed_reseller",
        "undeclared_ip_range",
        "landing_on_illegal_site",
    ]
    for info in RULE_INFO.values():
        assert info["severity"] in ("critical", "high", "medium", "low")
        assert all(info["title"][lang] for lang in ("zh", "en"))
        assert all(info["description"][lang] for lang in ("zh", "en"))


def test_unfiled_site_connected(session: Session) -> None:
    ap = org(session, "Fast Access")
    filing(session, "粤ICP备09012345号", "News Ltd", "news.test")
    connect(session, ap, "porn.test")
    connect(session, ap, "news.test")
    # A site filed under another of its domains is not unfiled (domain_not_in_filing says it).
    shop = site(session, "Shop", "shop.test", "shop-m.test")
    filing(session, "粤ICP备09012346号", "Shop Ltd", "shop.test")
    connect(session, ap, "shop-m.test", site_id=shop)
    # A connection naming a site whose other domain is filed (through another connection).
    blog = site(session, "Blog")
    filing(session, "粤ICP备09012347号", "Blog Ltd", "blog.test")
    connect(session, ap, "blog.test", site_id=blog)
    connect(session, ap, "blog-m.test", site_id=blog)
    # Closed before the audit's date: not connected then.
    connect(session, ap, "old.test", valid_to=dt.date(2010, 3, 1))
    audit(session, rules=["unfiled_site_connected"])
    (found,) = findings(session, "unfiled_site_connected")
    assert found.key == f"{ap}:porn.test"
    assert (found.addressee_org_id, found.province, found.severity) == (ap, "GD", "high")
    assert found.domain_id == domain_id(session, "porn.test")
    assert found.evidence["provider"] == "Fast Access"
    assert found.evidence["connected_since"] == "2010-01-01"


def test_filing_revoked_or_expired(session: Session) -> None:
    ap = org(session, "Fast Access")
    filing(session, "粤ICP备09000001号", "Gone Ltd", "gone.test", status="revoked")
    filing(session, "粤ICP备09000002号", "Gone Ltd", "gone.test", status="expired")
    filing(session, "粤ICP备09000003号", "Alive Ltd", "alive.test", status="revoked")
    filing(session, "粤ICP备09000004号", "Alive Ltd", "alive.test")
    connect(session, ap, "gone.test")
    connect(session, ap, "alive.test")
    audit(session, rules=["filing_revoked_or_expired"])
    (found,) = findings(session, "filing_revoked_or_expired")
    assert found.key == f"{ap}:gone.test"
    assert found.evidence["filings"] == [
        {"number": "粤ICP备09000001号", "status": "revoked"},
        {"number": "粤ICP备09000002号", "status": "expired"},
    ]


def test_domain_not_in_filing_by_site_and_by_page(session: Session) -> None:
    ap = org(session, "Fast Access")
    shop = site(session, "Shop", "shop.test", "shop-m.test")
    filing(session, "粤ICP备09012346号", "Shop Ltd", "shop.test")
    connect(session, ap, "shop-m.test", site_id=shop)
    connect(session, ap, "shop.test", site_id=shop)
    # The page of an unfiled domain names an active filing that does not list it.
    filing(session, "粤ICP备09012348号-1", "Other Ltd", "other.test")
    connect(session, ap, "copy.test")
    record_page_numbers(session, "http://copy.test/", "粤ICP备09012348号", observed_at=SEEN)
    audit(session, rules=["domain_not_in_filing"])
    found = {f.key: f for f in findings(session, "domain_not_in_filing")}
    assert sorted(found) == [f"{ap}:copy.test", f"{ap}:shop-m.test"]
    assert found[f"{ap}:shop-m.test"].evidence["site_filed_domains"] == [
        {"domain": "shop.test", "filing": "粤ICP备09012346号"}
    ]
    assert found[f"{ap}:copy.test"].evidence["page_filings"] == ["粤ICP备09012348号-1"]


def test_holder_mismatch_normalises_names(session: Session) -> None:
    assert normalise_holder("Ｓｈｏｐ 科技有限责任公司") == normalise_holder("shop科技有限公司")
    ap = org(session, "Fast Access")
    filing(session, "粤ICP备09012346号", "深圳市 好店科技有限公司", "shop.test")
    filing(session, "粤ICP备09012347号", "News Ltd.", "news.test")
    connect(session, ap, "shop.test", customer="深圳市好店科技股份有限公司")
    connect(session, ap, "news.test", customer="Someone Else Ltd")
    connect(session, ap, "nocustomer.test")
    audit(session, rules=["holder_mismatch"])
    (found,) = findings(session, "holder_mismatch")
    assert found.key == f"{ap}:news.test"
    assert found.evidence["customer"] == "Someone Else Ltd"
    assert found.evidence["filings"] == [{"number": "粤ICP备09012347号", "holder": "News Ltd."}]


def test_page_number_mismatch(session: Session) -> None:
    ap = org(session, "Fast Access")
    filing(session, "粤ICP备09012346号", "Shop Ltd", "shop.test", "fake.test", "plain.test")
    for name in ("shop.test", "fake.test", "plain.test", "garbled.test"):
        connect(session, ap, name)
    # The -1 site suffix names the same filing.
    record_page_numbers(session, "http://shop.test/", "粤ICP备09012346号-1", observed_at=SEEN)
    record_page_numbers(session, "http://fake.test/", "京ICP备05002571号", observed_at=SEEN)
    record_page_numbers(session, "http://plain.test/", "no number here", observed_at=SEEN)
    record_page_numbers(session, "http://garbled.test/", "京ICP备XXXXXXXX号", observed_at=SEEN)
    # An older observation does not count once a newer one exists.
    record_page_numbers(
        session, "http://shop.test/", "京ICP备05002571号", observed_at=SEEN - dt.timedelta(days=9)
    )
    audit(session, rules=["page_number_mismatch"])
    found = {f.key: f for f in findings(session, "page_number_mismatch")}
    assert sorted(found) == [f"{ap}:fake.test", f"{ap}:garbled.test"]
    assert found[f"{ap}:fake.test"].evidence["shown_numbers"] == ["京ICP备05002571号"]
    assert found[f"{ap}:fake.test"].evidence["filings"] == ["粤ICP备09012346号"]
    assert found[f"{ap}:garbled.test"].evidence["shown_text"] == ["京ICP备XXXXXXXX号"]


def test_sublet_too_deep(session: Session) -> None:
    carrier = org(session, "China Carrier", "carrier")
    chain = [carrier] + [org(session, f"Level {n}", "reseller") for n in range(1, 5)]
    for parent, child in itertools.pairwise(chain):
        let(session, parent, child)
    let(session, chain[-1], chain[1])  # a cycle back up: not followed
    connect(session, chain[3], "three.test")  # 3 edges deep: allowed
    connect(session, chain[4], "four.test")  # 4 edges deep: too deep
    audit(session, rules=["sublet_too_deep"])
    (found,) = findings(session, "sublet_too_deep")
    assert found.key == f"{carrier}:{chain[4]}"
    assert found.addressee_org_id == carrier
    assert found.evidence["depth"] == 4
    assert found.evidence["limit"] == 3
    assert found.evidence["chain"] == ["China Carrier", "Level 1", "Level 2", "Level 3", "Level 4"]


def test_unlicensed_reseller(session: Session) -> None:
    carrier = org(session, "China Carrier", "carrier")
    idc = org(session, "Big IDC")
    letting = org(session, "Letting Reseller", "reseller")
    connecting = org(session, "Connecting Reseller", "reseller")
    idle = org(session, "Idle Reseller", "reseller")
    licensed = org(session, "Licensed Reseller", "reseller")
    expired = org(session, "Expired Reseller", "reseller")
    let(session, carrier, idc)
    licence(session, idc)
    let(session, idc, letting)
    let(session, letting, org(session, "Customer", "reseller"))
    let(session, idc, connecting)
    connect(session, connecting, "a.test")
    let(session, idc, idle)
    let(session, idc, licensed)
    licence(session, licensed)
    connect(session, licensed, "b.test")
    let(session, idc, expired)
    licence(session, expired, expires_on=dt.date(2010, 5, 1))
    connect(session, expired, "c.test")
    audit(session, rules=["unlicensed_reseller"])
    assert keys(session, "unlicensed_reseller") == sorted(
        [f"{idc}:{letting}", f"{idc}:{connecting}", f"{idc}:{expired}"]
    )
    by_key = {f.key: f for f in findings(session, "unlicensed_reseller")}
    assert by_key[f"{idc}:{letting}"].addressee_org_id == idc
    assert by_key[f"{idc}:{expired}"].evidence["licences"][0]["expires_on"] == "2010-05-01"


def test_undeclared_ip_range(session: Session) -> None:
    carrier = org(session, "China Carrier", "carrier")
    idc = org(session, "Big IDC")
    reseller = org(session, "Reseller", "reseller")
    let(session, carrier, idc, "10.0.0.0/8")
    let(session, idc, reseller, "10.1.0.0/16")
    connect(session, carrier, "carrier.test", ip="192.168.0.0/24")  # a root carrier: exempt
    connect(session, idc, "inside.test", ip="10.9.0.0/24")
    connect(session, reseller, "inside2.test", ip="10.1.2.3/32")
    connect(session, reseller, "outside.test", ip="10.2.0.0/24")
    connect(session, reseller, "noip.test")
    loner = org(session, "Lone IDC")  # not a carrier, nothing let to it
    connect(session, loner, "lone.test", ip="172.16.0.0/24")
    audit(session, rules=["undeclared_ip_range"])
    assert keys(session, "undeclared_ip_range") == sorted(
        [f"{reseller}:outside.test", f"{loner}:lone.test"]
    )
    found = {f.key: f for f in findings(session, "undeclared_ip_range")}
    assert found[f"{reseller}:outside.test"].evidence["ranges_let"][0]["range"] == "10.1.0.0/16"


def test_landing_on_illegal_site(session: Session) -> None:
    carrier = org(session, "China Carrier", "carrier")
    hot = site(session, "Hot", "porn.test", "porn-mirror.test")
    del hot
    decide(session, "porn.test")
    decide(session, "withdrawn.test", state="withdrawn")
    decide(session, "legal.test", verdict="legal")
    channel(session, carrier, "CH1", "http://m.porn.test/a", "http://m.porn.test/b")
    channel(session, carrier, "CH2", "http://www.porn-mirror.test/")  # same site
    channel(session, carrier, "CH3", "http://m.porn.test/", status="suspended")
    channel(session, carrier, "CH4", "http://withdrawn.test/", "http://legal.test/")
    channel(session, carrier, "SP1", "http://wap.porn.test/pay", sp=True)
    audit(session, rules=["landing_on_illegal_site"])
    found = {f.key: f for f in findings(session, "landing_on_illegal_site")}
    assert sorted(found) == [
        f"channel:{carrier}:CH1:porn.test",
        f"channel:{carrier}:CH2:porn-mirror.test",
        f"sp:{carrier}:SP1:porn.test",
    ]
    first = found[f"channel:{carrier}:CH1:porn.test"]
    assert first.severity == "critical"
    assert first.addressee_org_id == carrier
    assert first.evidence["urls"] == ["http://m.porn.test/a", "http://m.porn.test/b"]
    assert first.evidence["decisions"][0]["verdict"] == "porn"
    assert (
        found[f"channel:{carrier}:CH2:porn-mirror.test"].evidence["decisions"][0]["domain"]
        == "porn.test"
    )
    assert ON.year == 2010


def test_holder_mismatch_needs_every_filing_of_the_domain_to_differ(session: Session) -> None:
    ap = org(session, "Fast Access")
    filing(session, "粤ICP备09012346号", "Shop Ltd", "shop.test")
    filing(session, "粤ICP备09012347号", "Old Owner Ltd", "shop.test")
    connect(session, ap, "shop.test", customer="Shop Ltd")
    audit(session, rules=["holder_mismatch"])
    assert findings(session, "holder_mismatch") == []
