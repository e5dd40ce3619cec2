"""The nine registry audit rules as plain SQL, run by DuckDB on the generator's CSV files.

The peer of ``jingwang.registry.audits.run_audit`` in the registry benchmark: the same data
(the CSV files :mod:`bench.registry_gen` writes next to the SQLite database), the same rules on
the same date, one query per rule producing the same hits (rule, key). DuckDB only finds the
hits: it writes no findings and gathers no evidence, which our engine does on top.

Each query mirrors its rule in ``src/jingwang/registry/audits/`` clause by clause (the same
``NOT``/``IN``/``EXISTS`` shapes, hence the same SQL NULL semantics). Two rules post-process in
Python there and are written as close as SQL allows here:

* ``holder_mismatch`` compares holder names after :func:`~jingwang.registry.audits.holders.
  normalise_holder`; SQL has no NFKC, so the macro maps full-width ASCII to ASCII with
  ``translate``, lower-cases, drops Unicode punctuation, separators, symbols and controls with
  a regular expression (``\\p{P}\\p{Z}\\p{S}\\p{C}``) and reads the company-form suffixes the same
  way. It agrees on every name the generator writes; on exotic compatibility characters
  (ligatures, circled digits) NFKC would differ;
* ``sublet_too_deep`` computes the longest chain from each root down to each connecting
  provider with a recursive CTE walking the open edges upwards (cycle protection: a path never
  revisits an organisation) instead of the memoised walk in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

DATE_COLUMNS = {"valid_from", "valid_to", "first_seen", "last_seen", "expires_on"}
TIME_COLUMNS = {"created_at", "updated_at", "observed_at", "decided_at", "withdrawn_at"}
INT_COLUMNS = {"active"}
DEAD = "('revoked', 'expired', 'cancelled')"
ILLEGAL = "('porn', 'unfiled', 'gambling', 'fraud', 'other')"
SITE_NUMBERS = 20  # a page's filing is looked up as its base number and base-1 … base-20
FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F))
HALF_WIDTH = "".join(chr(c) for c in range(0x21, 0x7F)).replace("'", "''")  # a SQL literal


def _type(column: str) -> str:
    if column in DATE_COLUMNS:
        return "DATE"
    if column in TIME_COLUMNS:
        return "TIMESTAMP"
    if column == "id" or column.endswith("_id") or column in INT_COLUMNS:
        return "BIGINT"
    return "VARCHAR"


def load(csv_dir: Path, columns: Mapping[str, Sequence[str]]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding every table of the CSV files (typed, NULL for empty cells)."""
    conn = duckdb.connect(":memory:")
    for table, names in columns.items():
        types = ", ".join(f"'{name}': '{_type(name)}'" for name in names)
        path = str(csv_dir / f"{table}.csv").replace("'", "''")
        conn.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', header = true, "
            f"columns = {{{types}}}, quote = '\"', escape = '\"', nullstr = '')"
        )
    _macros(conn)
    return conn


def _macros(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(
        "CREATE OR REPLACE MACRO holder_core(x) AS regexp_replace(lower(translate(x, "
        f"'{FULL_WIDTH}', '{HALF_WIDTH}'"
        ")), '[\\p{P}\\p{Z}\\p{S}\\p{C}]', '', 'g')"
    )
    # One call of holder_core: the longer suffix starts further left, so it matches first.
    conn.execute(
        "CREATE OR REPLACE MACRO norm_holder(x) AS "
        "regexp_replace(holder_core(x), '(股份有限公司|有限责任公司)$', '有限公司')"
    )
    conn.execute("CREATE OR REPLACE MACRO base_number(n) AS regexp_replace(n, '号-\\d+$', '号')")


def _holds(alias: str, on: dt.date) -> str:
    day = f"DATE '{on.isoformat()}'"
    return (
        f"({alias}.valid_from <= {day} AND ({alias}.valid_to IS NULL OR {alias}.valid_to > {day}))"
    )


def rule_queries(on: dt.date, max_depth: int) -> dict[str, str]:
    """Rule name → the query selecting the keys of its hits on ``on``."""

    def h(alias: str) -> str:
        return _holds(alias, on)

    until = f"TIMESTAMP '{(on + dt.timedelta(days=1)).isoformat()} 00:00:00'"
    connections = f"""
        SELECT c.*, c.provider_org_id || ':' || d.name AS key, o.kind AS provider_kind
        FROM registry_connections c
        JOIN organisations o ON o.id = c.provider_org_id
        JOIN registry_domains d ON d.id = c.domain_id
        WHERE {h("c")}"""
    active_filed = f"""(SELECT fd.domain_id FROM registry_icp_filed_domains fd
        JOIN registry_icp_filings f ON f.id = fd.filing_id
        WHERE f.status = 'active' AND {h("f")})"""
    links = f"""(SELECT domain_id, site_id FROM registry_domain_sites ds WHERE {h("ds")}
        UNION ALL SELECT domain_id, site_id FROM registry_connections l
        WHERE {h("l")} AND l.site_id IS NOT NULL)"""
    filed_sites = f"(SELECT site_id FROM {links} WHERE domain_id IN {active_filed})"
    site_filed = f"""((c.site_id IS NOT NULL AND c.site_id IN {filed_sites}) OR EXISTS (
        SELECT 1 FROM registry_domain_sites ds2 WHERE ds2.domain_id = c.domain_id
        AND {h("ds2")} AND ds2.site_id IN {filed_sites}))"""
    shown = f"""(SELECT o.* FROM registry_observed_numbers o JOIN (
        SELECT domain_id, max(observed_at) AS seen FROM registry_observed_numbers
        WHERE observed_at < {until} GROUP BY domain_id) l
        ON o.domain_id = l.domain_id AND o.observed_at = l.seen)"""
    open_edges = f"(SELECT * FROM registry_sublet_edges e WHERE {h('e')})"
    landing = f"""
        SELECT '{{prefix}}:' || w.carrier_org_id || ':' || w.code || ':' || ld.name AS key
        FROM {{table}} w
        JOIN registry_landings la ON la.owner_id = w.id AND la.owner_kind = '{{kind}}'
        JOIN registry_domains ld ON ld.id = la.domain_id
        {{join}}
        WHERE {h("w")} AND w.status = 'active'
          AND dc.state = 'confirmed' AND dc.verdict IN {ILLEGAL}"""
    direct = "JOIN decisions dc ON dc.domain = ld.name"
    same_site = f"""JOIN {links} s1 ON s1.domain_id = la.domain_id
        JOIN {links} s2 ON s2.site_id = s1.site_id AND s2.domain_id <> s1.domain_id
        JOIN registry_domains od ON od.id = s2.domain_id
        JOIN decisions dc ON dc.domain = od.name"""
    landings = " UNION ".join(
        landing.format(prefix=prefix, table=table, kind=kind, join=join)
        for prefix, table, kind in (
            ("channel", "registry_channels", "channel"),
            ("sp", "registry_sp_services", "sp_service"),
        )
        for join in (direct, same_site)
    )
    return {
        "unfiled_site_connected": f"""
            SELECT DISTINCT key FROM ({connections}) c
            WHERE c.domain_id NOT IN {active_filed} AND NOT {site_filed}""",
        "filing_revoked_or_expired": f"""
            SELECT DISTINCT key FROM ({connections}) c
            WHERE c.domain_id NOT IN {active_filed} AND EXISTS (
                SELECT 1 FROM registry_icp_filed_domains fd
                JOIN registry_icp_filings f ON f.id = fd.filing_id
                WHERE fd.domain_id = c.domain_id AND f.status IN {DEAD} AND {h("f")})""",
        "domain_not_in_filing": f"""
            WITH c AS ({connections}),
            obs AS (SELECT DISTINCT c.key, c.domain_id, s.number FROM c
                JOIN {shown} s ON s.domain_id = c.domain_id WHERE s.number IS NOT NULL),
            bases AS (SELECT DISTINCT base_number(number) AS b FROM obs),
            wanted AS (SELECT b AS n FROM bases UNION ALL
                SELECT b || '-' || r.range FROM bases CROSS JOIN range(1, {SITE_NUMBERS + 1}) r),
            act AS (SELECT f.id, base_number(f.number) AS b FROM registry_icp_filings f
                WHERE f.number IN (SELECT n FROM wanted) AND f.status = 'active' AND {h("f")}),
            cand AS (SELECT DISTINCT obs.key, obs.domain_id, act.id AS filing_id
                FROM obs JOIN act ON act.b = base_number(obs.number)),
            paged AS (SELECT cand.key FROM cand LEFT JOIN registry_icp_filed_domains fd
                ON fd.filing_id = cand.filing_id AND fd.domain_id = cand.domain_id
                GROUP BY cand.key
                HAVING bool_or(fd.filing_id IS NULL) AND NOT bool_or(fd.filing_id IS NOT NULL))
            SELECT key FROM c WHERE c.domain_id NOT IN {active_filed} AND {site_filed}
            UNION SELECT key FROM paged""",
        "holder_mismatch": f"""
            SELECT DISTINCT key FROM (
                SELECT c.id, c.key FROM ({connections}) c
                JOIN registry_icp_filed_domains fd ON fd.domain_id = c.domain_id
                JOIN registry_icp_filings f ON f.id = fd.filing_id
                WHERE c.customer IS NOT NULL AND f.status = 'active' AND {h("f")}
                GROUP BY c.id, c.key
                HAVING NOT bool_or(norm_holder(c.customer) = norm_holder(f.holder)))""",
        "page_number_mismatch": f"""
            WITH s AS {shown}
            SELECT DISTINCT key FROM ({connections}) c
            WHERE EXISTS (SELECT 1 FROM s WHERE s.domain_id = c.domain_id
                AND (s.number IS NOT NULL OR s.text IS NOT NULL))
            AND NOT EXISTS (SELECT 1 FROM s WHERE s.domain_id = c.domain_id
                AND s.number IS NOT NULL AND base_number(s.number) IN (
                    SELECT base_number(f.number) FROM registry_icp_filed_domains fd
                    JOIN registry_icp_filings f ON f.id = fd.filing_id
                    WHERE fd.domain_id = c.domain_id AND f.status = 'active' AND {h("f")}))""",
        "undeclared_ip_range": f"""
            SELECT DISTINCT key FROM ({connections}) c
            WHERE c.ip_lo IS NOT NULL
            AND (EXISTS (SELECT 1 FROM {open_edges} e WHERE e.child_org_id = c.provider_org_id)
                 OR c.provider_kind <> 'carrier')
            AND NOT EXISTS (SELECT 1 FROM {open_edges} e
                WHERE e.child_org_id = c.provider_org_id
                AND e.ip_lo <= c.ip_lo AND c.ip_hi <= e.ip_hi)""",
        "sublet_too_deep": f"""
            WITH RECURSIVE e AS (SELECT parent_org_id AS p, child_org_id AS c FROM {open_edges}),
            up(provider, org, depth, path) AS (
                SELECT DISTINCT provider_org_id, provider_org_id, 0, [provider_org_id]
                FROM registry_connections c WHERE {h("c")}
                UNION ALL
                SELECT up.provider, e.p, up.depth + 1, list_append(up.path, e.p)
                FROM up JOIN e ON e.c = up.org WHERE NOT list_contains(up.path, e.p))
            SELECT org || ':' || provider AS key FROM up
            WHERE org NOT IN (SELECT c FROM e)
            GROUP BY org, provider HAVING max(depth) > {int(max_depth)}""",
        "unlicensed_reseller": f"""
            SELECT DISTINCT e.parent_org_id || ':' || e.child_org_id AS key FROM {open_edges} e
            WHERE (e.child_org_id IN (SELECT parent_org_id FROM {open_edges} e2)
                OR e.child_org_id IN (SELECT provider_org_id FROM registry_connections c
                    WHERE {h("c")}))
            AND e.child_org_id NOT IN (SELECT org_id FROM registry_operator_licences ol
                WHERE {h("ol")} AND ol.status = 'active'
                AND (ol.expires_on IS NULL OR ol.expires_on > DATE '{on.isoformat()}'))""",
        "landing_on_illegal_site": landings,
    }


RULES = tuple(rule_queries(dt.date(2010, 1, 1), 3))


def run_rules(conn: duckdb.DuckDBPyConnection, on: dt.date, max_depth: int) -> dict[str, set[str]]:
    """Rule name → the keys of its hits on ``on``: one query per rule."""
    return {
        rule: {row[0] for row in conn.execute(sql).fetchall()}
        for rule, sql in rule_queries(on, max_depth).items()
    }


__all__ = ["RULES", "load", "rule_queries", "run_rules"]
