"""The ``site`` and ``domain`` kinds: sites with their domains as history, domains as facts."""

from __future__ import annotations

from functools import partial

import pytest
from registrykit import World, csv_bytes, day, run_import
from sqlalchemy import select

from accounts.accountkit import events
from jingwang.accounts.errors import AccessDenied
from jingwang.registry import ImportMode, RowError, export_csv
from jingwang.registry.models import Domain, DomainSite, Site

sites = partial(csv_bytes, header="site,operator,domains,valid_from")
domains = partial(csv_bytes, header="domain,registrar,first_seen,last_seen")
run_sites = partial(run_import, kind="site")


def _where(errors: list[RowError]) -> list[tuple[int, str | None]]:
    return [(error.line, error.column) for error in errors]


def _links(world: World) -> list[tuple[str, str, str, str]]:
    query = (
        select(Site.name, Domain.name, DomainSite.valid_from, DomainSite.valid_to)
        .join(Site, Site.id == DomainSite.site_id)
        .join(Domain, Domain.id == DomainSite.domain_id)
        .order_by(DomainSite.id)
    )
    return [
        (site, domain, str(start), str(end) if end else "")
        for site, domain, start, end in world.session.execute(query)
    ]


def test_site_rows_are_checked_and_only_regulators_import(world: World) -> None:
    data = sites(
        "Adult Cinema,Mr Wu,wap.adult.test;www.adult.test,2010-01-05",
        ",Mr Wu,x.test,",
        "Bad Site,,bad..name,2010-13-01",
        "Adult Cinema,,,",
    )
    report = run_sites(world.session, world.centre, data)
    assert _where(report.errors) == [
        (3, "site"),
        (4, "domains"),
        (4, "valid_from"),
        (5, "site"),
    ]
    with pytest.raises(AccessDenied, match="regulator"):
        run_sites(world.session, world.ap, data)
    good = run_sites(world.session, world.gd_regulator, data, good_rows=True)
    assert (good.added, good.rejected) == (1, 3)
    assert _links(world) == [
        ("Adult Cinema", "adult.test", "2010-01-05", ""),
    ]


def test_a_domain_moving_to_another_site_closes_its_old_link(world: World) -> None:
    first = sites("Site A,Op A,a.test;shared.test,2010-01-01", "Site B,Op B,b.test,2010-01-01")
    run_sites(world.session, world.centre, first, as_of="2010-01-01")
    again = run_sites(world.session, world.centre, first, as_of="2010-01-20")
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)
    moved = sites("Site B,Op B2,b.test;shared.test,")
    report = run_sites(world.session, world.centre, moved, as_of="2010-02-01")
    assert report.changed == 1
    assert _links(world) == [
        ("Site A", "a.test", "2010-01-01", ""),
        ("Site A", "shared.test", "2010-01-01", "2010-02-01"),
        ("Site B", "b.test", "2010-01-01", ""),
        ("Site B", "shared.test", "2010-02-01", ""),
    ]
    jan = export_csv(world.session, world.ap, "site", day("2010-01-15")).splitlines()
    # The operator is a current fact: the site's domains are its history.
    assert jan[1:] == ["Site A,Op A,a.test;shared.test,", "Site B,Op B2,b.test,"]
    feb = export_csv(world.session, world.ap, "site", day("2010-02-15")).splitlines()
    assert feb[1:] == ["Site A,Op A,a.test,", "Site B,Op B2,b.test;shared.test,"]
    dropped = run_sites(world.session, world.centre, sites("Site A,Op A,,"), as_of="2010-03-01")
    assert dropped.changed == 1
    assert ("Site A", "a.test", "2010-01-01", "2010-03-01") in _links(world)
    assert len(events(world.session, "registry.imported")) == 4


def test_a_site_snapshot_closes_the_domains_of_unlisted_sites(world: World) -> None:
    first = sites("Site A,,a.test,", "Site B,,b.test,")
    run_sites(world.session, world.centre, first, as_of="2010-01-01")
    snapshot = sites("Site A,,a.test,")
    report = run_sites(
        world.session, world.national, snapshot, mode=ImportMode.SNAPSHOT, as_of="2010-02-01"
    )
    assert (report.unchanged, report.closed) == (1, 1)
    assert ("Site B", "b.test", "2010-01-01", "2010-02-01") in _links(world)
    # A provincial regulator's snapshot is not the whole register: it closes nothing.
    provincial = run_sites(
        world.session, world.gd_regulator, sites("Site C,,c.test,"), mode=ImportMode.SNAPSHOT,
        as_of="2010-03-01",
    )  # fmt: skip
    assert (provincial.added, provincial.closed) == (1, 0)


def test_domains_update_the_registrar_and_widen_seen_dates(world: World) -> None:
    data = domains(
        "WAP.Adult.test,Net Registrar,2010-01-05,2010-02-01",
        "bad..name,,,",
        "late.test,,2010-03-01,2010-02-01",
    )
    report = run_import(world.session, world.centre, data, kind="domain")
    assert _where(report.errors) == [(3, "domain"), (4, "last_seen")]
    run_import(world.session, world.centre, data, kind="domain", good_rows=True)
    wider = domains("adult.test,,2009-12-01,2010-01-10", "new.test,Other Registrar,,")
    report = run_import(world.session, world.centre, wider, kind="domain")
    assert (report.added, report.changed) == (1, 1)
    again = run_import(world.session, world.centre, wider, kind="domain")
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)
    adult = world.session.scalar(select(Domain).where(Domain.name == "adult.test"))
    assert adult is not None
    assert (adult.registrar, adult.first_seen, adult.last_seen) == (
        "Net Registrar",
        day("2009-12-01"),
        day("2010-02-01"),
    )
    text = export_csv(world.session, world.viewer, "domain", day("2010-01-01"))
    assert text.splitlines() == [
        "domain,registrar,first_seen,last_seen",
        "adult.test,Net Registrar,2009-12-01,2010-02-01",
        "new.test,Other Registrar,,",
    ]
