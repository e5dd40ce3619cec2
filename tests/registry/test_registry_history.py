"""Connection history: connected, changed, disconnected, reconnected by a reseller, per date."""

from __future__ import annotations

import pytest
from registrykit import World, csv_bytes, day, run_import

from jingwang.accounts import Actor
from jingwang.accounts.errors import AccessDenied
from jingwang.core.domains import DomainError
from jingwang.registry import ImportMode, connection_history, who_connected


def _providers(world: World, domain: str, on: str) -> list[str]:
    facts = who_connected(world.session, world.ap, domain, day(on))
    return [fact.provider for fact in facts]


def _story(world: World) -> None:
    """porn.test: connected by Fast Access on 01-05, gone from its 03-01 inventory, then
    connected by its reseller from 04-01."""
    s, ap = world.session, world.ap
    first = csv_bytes("Fast Access,wap.porn.test,Hot,10.1.0.0/16,rack 7,C-1,2010-01-05")
    assert run_import(s, ap, first, as_of="2010-01-05").added == 1
    inventory = csv_bytes("Fast Access,news.test,News,10.2.0.0/16,,,2009-12-01")
    report = run_import(
        s, ap, inventory, mode=ImportMode.SNAPSHOT, as_of="2010-03-01", org_id=world.ap_id
    )
    assert (report.added, report.closed) == (1, 1)
    again = csv_bytes("Reseller One,m.porn.test,Hot,10.1.5.0/24,,R-9,2010-04-01")
    assert run_import(s, world.reseller, again, as_of="2010-04-01").added == 1


def test_who_connected_answers_per_date(world: World) -> None:
    _story(world)
    assert _providers(world, "porn.test", "2010-01-04") == []
    assert _providers(world, "wap.porn.test", "2010-01-05") == ["Fast Access"]
    assert _providers(world, "porn.test", "2010-02-28") == ["Fast Access"]
    assert _providers(world, "porn.test", "2010-03-01") == []
    assert _providers(world, "porn.test", "2010-03-31") == []
    assert _providers(world, "PORN.test.", "2010-04-01") == ["Reseller One"]


def test_history_keeps_every_record(world: World) -> None:
    _story(world)
    history = connection_history(world.session, world.ap, "porn.test")
    assert [(f.provider, f.valid_from, f.valid_to) for f in history] == [
        ("Fast Access", day("2010-01-05"), day("2010-03-01")),
        ("Reseller One", day("2010-04-01"), None),
    ]
    assert history[1].ip_range == "10.1.5.0/24"
    assert history[1].contract_ref == "R-9"


def test_a_change_closes_the_old_record_and_opens_a_new_one(world: World) -> None:
    s = world.session
    run_import(s, world.ap, csv_bytes("Fast Access,porn.test,,10.1.0.0/16,,,2010-01-05"))
    moved = csv_bytes("Fast Access,porn.test,,10.9.0.0/16,,,2010-01-05")
    report = run_import(s, world.ap, moved, as_of="2010-06-01")
    assert (report.added, report.changed, report.unchanged) == (0, 1, 0)
    before = who_connected(s, world.ap, "porn.test", day("2010-05-31"))
    after = who_connected(s, world.ap, "porn.test", day("2010-06-01"))
    assert [f.ip_range for f in before] == ["10.1.0.0/16"]
    assert [f.ip_range for f in after] == ["10.9.0.0/16"]


def test_others_see_only_their_own_tree(world: World) -> None:
    _story(world)
    assert who_connected(world.session, world.other, "porn.test", day("2010-02-01")) == []
    mine = who_connected(world.session, world.reseller, "porn.test", day("2010-05-01"))
    assert [f.provider for f in mine] == ["Reseller One"]
    # The reseller does not see its parent's records.
    assert who_connected(world.session, world.reseller, "porn.test", day("2010-02-01")) == []


def test_bad_domain_and_missing_permission_are_refused(world: World) -> None:
    with pytest.raises(DomainError):
        who_connected(world.session, world.ap, "com.cn", day("2010-01-01"))
    with pytest.raises(AccessDenied):
        who_connected(world.session, Actor.public(), "porn.test", day("2010-01-01"))
