"""Long run: restart PostgreSQL while employees answer; the app must reconnect by itself, answer 503 (never
500) during the outage, and lose nothing it acknowledged. Affects every PostgreSQL user of this machine for
a few seconds: run it on purpose, not in CI.

    .venv/bin/python bench/faults/pg_restart.py [--restarts 1] [--people 200]
"""

import argparse
import asyncio
import os
import subprocess
import time

from common import PG_DEFAULT, run

from tests.hardening.faults import Server, Stats


def restart_postgresql() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                   capture_output=True, timeout=120)


def restart_schedule(after: list[float]):  # type: ignore[no-untyped-def]
    def make(_server: Server):  # type: ignore[no-untyped-def]
        async def fault(stats: Stats) -> None:
            began = time.monotonic()
            for moment in after:
                await asyncio.sleep(max(moment - (time.monotonic() - began), 0))
                await asyncio.to_thread(restart_postgresql)
                stats.faults += 1
        return fault
    return make


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=24)
    parser.add_argument("--restarts", type=int, default=1)
    parser.add_argument("--first", type=float, default=5.0, help="seconds before the first restart")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    moments = [args.first + 10.0 * i for i in range(args.restarts)]
    return run("pg_restart", "postgresql", pg_url=args.pg_url, people=args.people, concurrency=args.concurrency,
               workers=args.workers, fault=restart_schedule(moments))


if __name__ == "__main__":
    raise SystemExit(main())
