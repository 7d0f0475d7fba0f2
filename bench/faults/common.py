"""Shared by the long fault runs: a database to run against, the crowd, and the report printed at the end."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.hardening.faults import Crowd, Server, Stats, isolated_url, prepare_database, verify  # noqa: E402

RESULTS = REPO / "bench" / "faults" / "results"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/ceyice_faults"


def database_url(kind: str, pg_url: str, data_dir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{data_dir / 'ceyice.db'}"
    name = pg_url.rsplit("/", 1)[1]
    # Its own database (created once) and its own schema: nobody else's tests are touched.
    subprocess.run(["psql", pg_url.rsplit("/", 1)[0] + "/postgres", "-qc", f"CREATE DATABASE {name}"],
                   capture_output=True, check=False)
    return isolated_url(pg_url)


def run(name: str, kind: str, *, pg_url: str, people: int, concurrency: int, workers: int,
        fault: Callable[[Server], Callable[[Stats], Awaitable[None]]]) -> int:
    """Seed, serve, run the crowd with the fault, verify the database; print and save the figures."""
    import asyncio

    with tempfile.TemporaryDirectory(prefix="ceyice-fault-") as tmp:
        data_dir = Path(tmp)
        url = database_url(kind, pg_url, data_dir)
        seeded = prepare_database(url, data_dir, people=people)
        server = Server(url, data_dir, workers=workers)
        server.start()
        began = time.monotonic()
        try:
            crowd = Crowd(server.base, seeded, concurrency=concurrency, seed=7)
            stats = asyncio.run(asyncio.wait_for(crowd.run(fault(server)), 900))
        finally:
            server.stop()
        elapsed = time.monotonic() - began
        verdict = verify(url, crowd)
    summary = {
        "run": name, "database": kind, "workers": workers, "employees": people, "concurrency": concurrency,
        "seconds": round(elapsed, 1), "requests": stats.requests, "faults_injected": stats.faults,
        "transport_errors_during_faults": stats.transport_errors, "status": dict(sorted(stats.status.items())),
        "http_500": stats.server_errors, "unexpected": stats.unexpected[:20],
        "acknowledged_answers": stats.acked_answers, "acknowledged_submits": stats.acked_submits,
        "answers_checked_in_database": verdict.answers_checked, "answers_lost": len(verdict.answers_lost),
        "submits_lost": len(verdict.submits_lost), "corrupt_attempts": verdict.corrupt[:20],
        "resume_checks": stats.resume_checks, "resume_mismatches": stats.resume_mismatches[:20],
        "outage_page_is_chinese_503": ("系统繁忙" in stats.outage_page) if stats.outage_page else None,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}-{kind}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    ok = (stats.server_errors == 0 and not stats.unexpected and not verdict.answers_lost and not verdict.submits_lost
          and not verdict.corrupt and not stats.resume_mismatches and stats.acked_submits == people)
    print("PASS" if ok else "FAIL", asdict(verdict) if not ok else "")
    return 0 if ok else 1
