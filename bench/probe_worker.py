"""The jingwang side of the probing benchmark: one campaign run, in a process of its own.

``bench.bench_probe`` prepares a data dir (migrated SQLite database, file blob store, a
campaign over the URL list) and starts this module the way Scrapy's spider is started, so both
pay their own process start-up and neither shares a GIL with the sample web or the other. It
runs :func:`jingwang.probe.runner.run_campaign` unchanged (fetch, parse, WARC, DB rows) and
writes what it did as JSON::

    python -m bench.probe_worker SETTINGS.json CAMPAIGN_ID OUT.json [--profile STATS]

SETTINGS.json holds the keyword arguments of :func:`jingwang.settings.load_settings`.
OUT.json: ``{"recorded", "claimed", "failed", "retried", "lost", "stopped", "errors",
"seconds"}``; ``seconds`` is the campaign run from its first claim to the last
capture recorded (:attr:`~jingwang.probe.runner.RunReport.probing_seconds`): the start-up
before it (imports, the database, the fetch workers loading their code) is not counted, as
Scrapy's imports and set-up are not.

``--profile STATS`` runs it under cProfile and dumps the event loop's thread's ``pstats`` there
and those of the threads it started (the runner writes WARC and rows in a worker thread),
merged, next to it with the suffix ``.threads``. ``--cpu`` times them with each thread's CPU
clock instead of the wall clock: waiting for the GIL, the disk or the network then costs nothing,
so the stats show where the CPU goes.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from jingwang.probe.runner import RunReport, run_campaign
from jingwang.settings import load_settings
from jingwang.store import FileBlobStore, create_database


def run(settings_file: Path, campaign_id: int) -> RunReport:
    settings = load_settings(**json.loads(settings_file.read_text(encoding="utf-8")))
    db = create_database(settings.resolved_database_url)
    try:
        return run_campaign(settings, db, FileBlobStore(settings.resolved_blob_dir), campaign_id)
    finally:
        db.dispose()


def profiled(work: Callable[[], RunReport], stats_file: Path, *, cpu: bool = False) -> RunReport:
    """``work()`` under cProfile in this thread and in every thread it starts (``cpu``: timed
    by each thread's CPU clock)."""
    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def new_profile() -> cProfile.Profile:
        return cProfile.Profile(time.thread_time) if cpu else cProfile.Profile()

    def start_in_thread(frame: FrameType, event: str, arg: Any) -> None:
        profile = new_profile()
        with lock:
            profiles.append(profile)
        profile.enable()  # replaces this hook for the rest of the thread

    main = new_profile()
    threading.setprofile(start_in_thread)
    main.enable()
    try:
        return work()
    finally:
        main.disable()
        threading.setprofile(None)  # None clears the hook
        pstats.Stats(main).dump_stats(stats_file)
        with lock:
            for profile in profiles:
                profile.disable()
            if profiles:
                threads = pstats.Stats(profiles[0])
                for profile in profiles[1:]:
                    threads.add(profile)
                threads.dump_stats(stats_file.with_suffix(".threads"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.probe_worker")
    parser.add_argument("settings", type=Path)
    parser.add_argument("campaign", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--profile", type=Path, metavar="STATS")
    parser.add_argument("--cpu", action="store_true", help="profile CPU time, not wall time")
    args = parser.parse_args(argv)

    def work() -> RunReport:
        return run(args.settings, args.campaign)

    report = profiled(work, args.profile, cpu=args.cpu) if args.profile else work()
    fields = ("recorded", "claimed", "failed", "retried", "lost", "stopped", "errors")
    out = {name: getattr(report, name) for name in fields}
    out["seconds"] = report.probing_seconds
    args.out.write_text(json.dumps(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
