"""Demo data: what a newcomer sees working after `make demo`.

So far: the parties of the 2009 plan as organisations with one login per role (from
:mod:`jingwang.accounts.demo`); a registry of filings, a sublet chain and connections, loaded
through the CSV importer (:mod:`.registry`); a few sample evidence files in the blob store; and a
`blobs.verify` job the worker runs, whose result event lands in the hash-chained audit log;
and, when the sample mobile web runs (:mod:`.probing`), probing campaigns over the registry run
to completion, so captures with their evidence are there when the UI opens, each judged by the
classifier (:mod:`.classifying`) so its verdict is there too.
"""

from __future__ import annotations

from dataclasses import dataclass

from jingwang.accounts.demo import DemoLogin, seed_demo_accounts
from jingwang.demo.classifying import JudgingSummary, judge_demo_captures
from jingwang.demo.probing import DemoWeb, ProbingSummary, seed_probing
from jingwang.demo.registry import seed_demo_findings, seed_demo_registry
from jingwang.jobs import enqueue
from jingwang.settings import Settings
from jingwang.store import FileBlobStore, create_database, upgrade

# A tiny WML deck and an XHTML-MP page, written for the demo (no third-party content).
SAMPLE_EVIDENCE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE wml PUBLIC "-//WAPFORUM//DTD WML 1.1//EN" '
    b'"http://www.wapforum.org/DTD/wml_1.1.xml">\n<wml><card id="home" title="demo">'
    b'<onevent type="ontimer"><go href="#next"/></onevent><timer value="30"/>'
    b'<p>jingwang demo deck</p></card><card id="next"><p>second card</p></card></wml>\n',
    b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//WAPFORUM//DTD XHTML Mobile '
    b'1.0//EN" "http://www.wapforum.org/DTD/xhtml-mobile10.dtd">\n<html xmlns="http://www.w3.org/'
    b'1999/xhtml"><head><title>demo</title></head><body><p>\xe5\x87\x80\xe7\xbd\x91 demo page</p>'
    b"</body></html>\n",
)


@dataclass(frozen=True)
class DemoSummary:
    blobs: list[str]
    job_ids: list[int]
    logins: list[DemoLogin]
    registry_rows: int
    findings: int
    probing: ProbingSummary | None = None
    judging: JudgingSummary | None = None


def seed_demo(settings: Settings, web: DemoWeb | None = None) -> DemoSummary:
    """Migrate the demo database and load the demo data; idempotent.

    With ``web`` (the running sample web; ``settings`` point the prober at it) the demo's
    probing campaigns are created and run too.
    """
    db = create_database(settings.resolved_database_url)
    try:
        upgrade(db)
        store = FileBlobStore(settings.resolved_blob_dir)
        digests = [store.put(data) for data in SAMPLE_EVIDENCE]
        with db.session() as session:
            logins = seed_demo_accounts(session)
            reports = seed_demo_registry(session)
            audit = seed_demo_findings(session, settings)
            job = enqueue(session, "blobs.verify", {}, idempotency_key="demo:blobs.verify")
            session.flush()
            job_ids = [job.id]
            findings = sum(
                c.get("new", 0) + c.get("still_open", 0) + c.get("reopened", 0)
                for c in audit.counts.values()
            )
        probing = judging = None
        if web is not None:
            # the demo judges its captures itself, right after: no job per batch for the worker
            quiet = settings.model_copy(update={"classify_after_probe": False})
            probing = seed_probing(quiet, db, store, web)
            judging = judge_demo_captures(settings, db, store)
    finally:
        db.dispose()
    return DemoSummary(
        blobs=digests,
        job_ids=job_ids,
        logins=logins,
        registry_rows=sum(r.added for r in reports),
        findings=findings,
        probing=probing,
        judging=judging,
    )


__all__ = ["SAMPLE_EVIDENCE", "DemoSummary", "seed_demo"]
