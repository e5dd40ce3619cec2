"""How the audits look facts up at national size: the same answers as the plain lookups.

A full run computes some facts once into temporary tables, and looks filings up by number in
one pass when a run asks about many numbers; these tests check both give what the small,
indexed lookups give, and that a run leaves no temporary table behind.
"""

from __future__ import annotations

from registry_auditkit import ON, audit, connect, domain_id, filing, findings, org, site
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from jingwang.registry.audits.base import LET_RANGES, AuditContext, filed_facts
from jingwang.registry.audits.connected import _active_by_base


def test_many_numbers_are_looked_up_as_a_few_are(session: Session) -> None:
    filing(session, "粤ICP备1号", "A", "a.test")
    filing(session, "粤ICP备1号-2", "A", "b.test", "c.test")
    filing(session, "粤ICP备2号", "B")  # lists no domain
    filing(session, "粤ICP备3号", "C", "d.test", status="revoked")
    asked = ["粤ICP备1号-7", "粤ICP备2号", "粤ICP备3号"]
    few = _active_by_base(session, asked, ON)
    # More than 20 000 numbers with their site numbers: read in one pass over the filings.
    many = _active_by_base(session, [*asked, *(f"京ICP备{n}号" for n in range(1_000))], ON)
    ids = {name: domain_id(session, name) for name in ("a.test", "b.test", "c.test")}
    assert (
        few
        == many
        == {
            "粤ICP备1号": {
                "粤ICP备1号": {ids["a.test"]},
                "粤ICP备1号-2": {ids["b.test"], ids["c.test"]},
            },
            "粤ICP备2号": {"粤ICP备2号": set()},
        }
    )


def test_facts_follow_the_date_and_a_run_drops_its_temporary_tables(session: Session) -> None:
    provider = org(session, "Provider")
    filing(session, "粤ICP备1号", "A", "filed.test")
    filing(session, "粤ICP备2号", "B", "dead.test", status="revoked")
    shop = site(session, "Shop", "filed.test", "other.test")
    connect(session, provider, "other.test", site_id=shop)
    connect(session, provider, "dead.test")
    filed, dead, sites = filed_facts(AuditContext(session, ON, 3))
    rows = session.connection()
    assert set(rows.execute(filed.select()).scalars()) == {domain_id(session, "filed.test")}
    assert set(rows.execute(dead.select()).scalars()) == {domain_id(session, "dead.test")}
    assert set(rows.execute(sites.select()).scalars()) == {shop}
    audit(session)
    audit(session)  # the tables are made again, not left over from the first run
    assert not _temporary_tables(session) & {filed.name, dead.name, sites.name, LET_RANGES.name}
    assert {(f.rule, f.key) for f in findings(session)} == {
        ("domain_not_in_filing", f"{provider}:other.test"),
        ("filing_revoked_or_expired", f"{provider}:dead.test"),
        ("unfiled_site_connected", f"{provider}:dead.test"),
    }


def _temporary_tables(session: Session) -> set[str]:
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        return set(inspect(connection).get_temp_table_names())
    query = text("SELECT relname FROM pg_class WHERE relnamespace = pg_my_temp_schema()")
    return set(connection.execute(query).scalars())
