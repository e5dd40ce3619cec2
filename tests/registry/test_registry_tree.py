"""The sublet tree: nodes with licence, sites and findings; edges on a date; cycles are safe."""

from __future__ import annotations

import json

import pytest
from registrykit import World, day, make_world
from sqlalchemy.orm import Session
from test_registry_compliance import connect, domain
from test_registry_findings_states import add_finding

from accounts.accountkit import make_org
from jingwang.accounts.models import Organisation
from jingwang.cli.app import main
from jingwang.cli.exit_codes import ExitCode
from jingwang.cli.registry_views import _label
from jingwang.registry.models import OperatorLicence, SubletEdge
from jingwang.registry.tree import flatten, sublet_tree
from jingwang.settings import Settings
from jingwang.store import Database

ON = day("2010-03-01")


def let(
    session: Session, parent: int, child: int, ip: str, start: str = "2010-01-01", end=None
) -> None:
    session.add(
        SubletEdge(
            parent_org_id=parent,
            child_org_id=child,
            ip_range=ip,
            evidence=f"contract {ip}",
            valid_from=day(start),
            valid_to=day(end) if end else None,
        )
    )
    session.flush()


def licence(session: Session, org_id: int, **extra: object) -> None:
    values = {"number": "B1-2009001", "kind": "idc", "status": "active"}
    values.update({"valid_from": day("2009-01-01"), **extra})
    session.add(OperatorLicence(org_id=org_id, **values))
    session.flush()


def chain(world: World) -> tuple[Organisation, Organisation]:
    """Fast Access → Reseller One → Sub One → Sub Two (an edge of it ended before the date)."""
    s = world.session
    reseller = s.get(Organisation, world.reseller_id)
    assert reseller is not None
    sub1 = make_org(s, "Sub One", "reseller", "GD", parent=reseller)
    sub2 = make_org(s, "Sub Two", "reseller", "GD", parent=sub1)
    let(s, world.ap_id, world.reseller_id, "10.1.0.0/16")
    let(s, world.reseller_id, sub1.id, "10.1.2.0/24")
    let(s, sub1.id, sub2.id, "10.1.2.128/25")
    let(s, sub1.id, world.other_id, "10.1.2.0/28", end="2010-02-01")  # over; and out of reach
    licence(s, world.ap_id)
    licence(s, world.reseller_id)
    licence(s, sub1.id, expires_on=day("2010-02-01"))  # expired before the date
    connect(s, sub2.id, domain(s, "porn.example.cn"), "2010-01-01")
    connect(s, sub2.id, domain(s, "other.example.cn"), "2010-01-01")
    add_finding(s, sub1.id, rule="unlicensed_reseller")
    return sub1, sub2


def _shape(trees):
    return [(depth, node.name) for depth, node in flatten(trees)]


def test_a_provider_sees_its_chain_with_licences_sites_and_findings(world: World) -> None:
    sub1, sub2 = chain(world)
    trees = sublet_tree(world.session, world.ap, on=ON)
    assert _shape(trees) == [
        (0, "Fast Access"),
        (1, "Reseller One"),
        (2, "Sub One"),
        (3, "Sub Two"),
    ]
    nodes = {node.org_id: node for _, node in flatten(trees)}
    assert nodes[world.ap_id].licensed
    assert nodes[world.reseller_id].licensed
    assert not nodes[sub1.id].licensed
    assert not nodes[sub2.id].licensed
    assert nodes[sub2.id].sites == 2
    assert nodes[sub1.id].open_findings == 1
    assert nodes[sub1.id].edge is not None
    assert nodes[sub1.id].edge.ip_range == "10.1.2.0/24"
    assert trees[0].edge is None


def test_a_reseller_sees_its_part_and_a_root_can_be_chosen(world: World) -> None:
    sub1, _ = chain(world)
    assert _shape(sublet_tree(world.session, world.reseller, on=ON)) == [
        (0, "Reseller One"),
        (1, "Sub One"),
        (2, "Sub Two"),
    ]
    picked = sublet_tree(world.session, world.centre, on=ON, root_org_id=sub1.id)
    assert _shape(picked) == [(0, "Sub One"), (1, "Sub Two")]


def test_an_earlier_date_shows_the_edges_of_then(world: World) -> None:
    chain(world)
    names = [name for _, name in _shape(sublet_tree(world.session, world.centre, on=ON))]
    assert "Other Access" not in names
    earlier = _shape(sublet_tree(world.session, world.centre, on=day("2010-01-15")))
    assert (3, "Other Access") in earlier


def test_a_cycle_is_drawn_once_and_marked(world: World) -> None:
    _sub1, sub2 = chain(world)
    let(world.session, sub2.id, world.ap_id, "10.9.0.0/24")  # Sub Two lets back to the top
    trees = sublet_tree(world.session, world.centre, on=ON)
    flat = flatten(trees)
    assert [(d, n.name, n.cycle) for d, n in flat] == [
        (0, "Fast Access", False),
        (1, "Reseller One", False),
        (2, "Sub One", False),
        (3, "Sub Two", False),
        (4, "Fast Access", True),
    ]
    assert flat[-1][1].children == []
    own = sublet_tree(world.session, world.ap, on=ON)  # from inside the loop too
    assert [n.cycle for _, n in flatten(own)][-1] is True


def test_a_forest_over_the_budget_comes_back_as_its_roots_with_counts(world: World) -> None:
    sub1, _ = chain(world)
    whole = sublet_tree(world.session, world.centre, on=ON, budget=4)
    assert len(flatten(whole)) == 4
    assert not any(n.collapsed or n.truncated for _, n in flatten(whole))
    assert whole[0].child_count == 1
    roots = sublet_tree(world.session, world.centre, on=ON, budget=3)
    assert [(n.name, n.collapsed, n.child_count, n.children) for n in roots] == [
        ("Fast Access", True, 1, [])
    ]
    assert roots[0].licensed
    picked = sublet_tree(world.session, world.centre, on=ON, root_org_id=sub1.id, budget=3)
    assert _shape(picked) == [(0, "Sub One"), (1, "Sub Two")]  # a chosen root that fits
    assert not picked[0].collapsed


def test_a_chosen_tree_over_the_budget_is_cut_level_by_level(world: World) -> None:
    sub1, _ = chain(world)
    reseller = world.session.get(Organisation, world.reseller_id)
    sub3 = make_org(world.session, "Sub Three", "reseller", "GD", parent=reseller)
    let(world.session, world.reseller_id, sub3.id, "10.1.3.0/24")
    full = sublet_tree(world.session, world.centre, on=ON, root_org_id=world.ap_id)
    assert len(flatten(full)) == 5
    cut = sublet_tree(world.session, world.centre, on=ON, root_org_id=world.ap_id, budget=3)
    assert [(d, n.name, n.truncated, n.child_count) for d, n in flatten(cut)] == [
        (0, "Fast Access", False, 1),
        (1, "Reseller One", True, 2),  # Sub Three is cut, Sub One's level is not finished
        (2, "Sub One", True, 1),  # Sub Two is cut
    ]
    nodes = {n.org_id: n for _, n in flatten(cut)}
    assert nodes[sub1.id].open_findings == 1
    assert sub3.id not in nodes


# The command line: registry tree | findings | finding | finding-state | compliance ----------


def test_the_command_line_says_where_a_tree_was_collapsed_or_cut(world: World) -> None:
    chain(world)
    (root,) = sublet_tree(world.session, world.centre, on=ON, budget=1)
    assert "lets to 1: see --org" in _label(root)
    (cut,) = sublet_tree(world.session, world.centre, on=ON, root_org_id=world.ap_id, budget=1)
    assert f"0 of 1 shown: see --org {world.ap_id}" in _label(cut)


def _main(settings: Settings, *args: str) -> int:
    return main(
        [
            "--data-dir",
            str(settings.data_dir),
            "--database-url",
            settings.resolved_database_url,
            "--queue-url",
            "memory://",
            *args,
        ]
    )


def test_the_view_commands(
    capsys: pytest.CaptureFixture[str], live_settings: Settings, live_db: Database
) -> None:
    with live_db.session() as session:
        world = make_world(session)
        sub1, _ = chain(world)
        finding_id = add_finding(session, sub1.id, rule="deep_chain", domain="deep.cn").id

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = _main(live_settings, *args)
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    code, out = run("registry", "tree", "--org", "Fast Access", "--on", "2010-03-01")
    assert code == ExitCode.OK, out
    assert "Sub Two" in out
    assert "UNLICENSED" in out
    assert "10.1.2.0/24" in out
    code, out = run("registry", "tree", "--on", "2010-03-01", "--json")
    assert json.loads(out)[0]["children"][0]["name"] == "Reseller One"
    assert json.loads(out)[0]["collapsed"] is False
    code, out = run("registry", "findings", "--org", "Sub One", "--state", "open", "--json")
    assert code == ExitCode.OK, out
    assert {f["rule"] for f in json.loads(out)["items"]} == {"unlicensed_reseller", "deep_chain"}
    code, out = run("registry", "finding-state", str(finding_id), "false_positive")
    assert code == ExitCode.INVALID_INPUT
    assert "registry" not in out.split(":")[0]
    code, out = run("registry", "finding-state", str(finding_id), "false_positive", "--note", "ok")
    assert code == ExitCode.OK
    assert "false_positive" in out
    code, out = run("registry", "finding-state", str(finding_id), "acknowledged")
    assert code == ExitCode.CONFLICT, out
    code, out = run("registry", "finding", str(finding_id))
    assert code == ExitCode.OK
    assert "open → false_positive (ok)" in out
    code, _ = run("registry", "finding", "999999")
    assert code == ExitCode.NOT_FOUND
    code, out = run("registry", "compliance", "--on", "2010-03-01", "--json")
    figures = json.loads(out)
    assert (figures["connected"], figures["open_findings"]) == (2, 1)
    code, out = run("registry", "compliance", "--org", "Sub Two", "--on", "2010-03-01")
    assert code == ExitCode.OK
    assert "2 connected domains, 0 filed (0.0%)" in out
