"""The ``sublet`` kind: parent → child edges for IP ranges, reach over both ends, modes."""

from __future__ import annotations

from functools import partial

from registrykit import SUBLET_HEADER, World, csv_bytes, day, run_import, sublet_count
from sqlalchemy import select

from jingwang.registry import ImportMode, RowError, export_csv
from jingwang.registry.models import SubletEdge

sublets = partial(csv_bytes, header=SUBLET_HEADER)
run = partial(run_import, kind="sublet")

EDGE = "Fast Access,Reseller One,10.1.0.7/16,contract R-1,2010-01-01"


def _where(errors: list[RowError]) -> list[tuple[int, str | None]]:
    return [(error.line, error.column) for error in errors]


def test_broken_rows_are_each_reported_and_nothing_is_imported(world: World) -> None:
    data = sublets(
        EDGE,
        "Nobody Ltd,Reseller One,10.2.0.0/16,,",
        "Fast Access,Fast Access,10.3.0.0/33,,2010-13-01",
        "Fast Access,Reseller One,,,",
    )
    report = run(world.session, world.ap, data)
    assert not report.applied
    assert _where(report.errors) == [
        (3, "parent"),
        (4, "child"),
        (4, "ip_range"),
        (4, "valid_from"),
        (5, "ip_range"),
    ]
    assert "to itself" in report.errors[1].reason
    assert sublet_count(world.session) == 0
    good = run(world.session, world.ap, data, good_rows=True)
    assert (good.added, good.rejected) == (1, 3)
    [edge] = world.session.scalars(select(SubletEdge)).all()
    assert (edge.ip_range, edge.evidence) == ("10.1.0.0/16", "contract R-1")


def test_gbk_file_with_chinese_headers(world: World) -> None:
    header = "出租方,承租方,IP段,证据,开始日期"
    data = sublets("Fast Access,Reseller One,10.1.0.0/16,租赁合同,2010/01/05", header=header)
    report = run(world.session, world.ap, data.decode().encode("gbk"))
    assert report.encoding in {"gbk", "gb18030"}
    assert report.added == 1
    text = export_csv(world.session, world.ap, "sublet", day("2010-01-05"))
    assert text.splitlines()[1] == "Fast Access,Reseller One,10.1.0.0/16,租赁合同,2010-01-05"


def test_a_missing_column_is_reported_once(world: World) -> None:
    report = run(
        world.session, world.ap, sublets("Fast Access,Reseller One", header="出租方,承租方")
    )
    [error] = report.errors
    assert (error.line, error.column) == (1, "ip_range")
    assert "IP段" in error.reason


def test_duplicate_keys_reimport_change_and_round_trip(world: World) -> None:
    s = world.session
    dup = run(s, world.ap, sublets(EDGE, "Fast Access,Reseller One,10.1.0.0/16,other,"))
    assert _where(dup.errors) == [(3, "ip_range")]
    assert "line 2" in dup.errors[0].reason
    first = run(s, world.ap, sublets(EDGE), as_of="2010-01-05")
    again = run(s, world.ap, sublets(EDGE), as_of="2010-02-05")
    assert (first.added, again.unchanged, again.changed) == (1, 1, 0)
    exported = export_csv(s, world.ap, "sublet", day("2010-02-01"))
    assert run(s, world.ap, exported.encode()).unchanged == 1
    changed = run(s, world.ap, sublets(EDGE.replace("R-1", "R-2")), as_of="2010-03-01")
    assert changed.changed == 1
    edges = s.scalars(select(SubletEdge).order_by(SubletEdge.id)).all()
    assert [(e.evidence, e.valid_to) for e in edges] == [
        ("contract R-1", day("2010-03-01")),
        ("contract R-2", None),
    ]


def test_the_actor_must_reach_both_ends(world: World) -> None:
    s = world.session
    report = run(s, world.ap, sublets(EDGE, "Fast Access,Other Access,10.9.0.0/16,,"))
    assert _where(report.errors) == [(3, "child")]
    assert "import only for your organisation" in report.errors[0].reason
    up = run(s, world.reseller, sublets(EDGE))
    assert _where(up.errors) == [(2, "parent")]
    assert run(s, world.ap, sublets(EDGE)).added == 1
    assert export_csv(s, world.other, "sublet", day("2030-01-01")).splitlines()[1:] == []
    assert len(export_csv(s, world.reseller, "sublet", day("2030-01-01")).splitlines()) == 2


def test_snapshot_closes_missing_edges_without_deleting(world: World) -> None:
    s = world.session
    second = "Fast Access,Reseller One,10.2.0.0/16,,"
    run(s, world.ap, sublets(EDGE, second), as_of="2010-01-01")
    snapshot = partial(run, s, world.ap, mode=ImportMode.SNAPSHOT, as_of="2030-01-01")
    report = snapshot(sublets(EDGE))
    assert (report.unchanged, report.closed) == (1, 1)
    assert sublet_count(s) == 2
    closed = s.scalars(select(SubletEdge).where(SubletEdge.valid_to.is_not(None))).all()
    assert [(e.ip_range, e.valid_to) for e in closed] == [("10.2.0.0/16", day("2030-01-01"))]
    assert snapshot(sublets(EDGE)).closed == 0
