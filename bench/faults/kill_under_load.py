"""Long run: SIGKILL the app server several times while employees answer; verify nothing acknowledged is lost.

    .venv/bin/python bench/faults/kill_under_load.py --db sqlite
    .venv/bin/python bench/faults/kill_under_load.py --db postgresql [--pg-url postgresql://postgres@127.0.0.1:5432/ceyice_faults]
"""

import argparse

from common import PG_DEFAULT, run

from tests.hardening.faults import kill_schedule


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--every", type=float, default=4.0, help="seconds between kills")
    parser.add_argument("--workers", type=int, default=0, help="app processes (default: 1 on SQLite, 2 on PostgreSQL)")
    args = parser.parse_args()
    workers = args.workers or (1 if args.db == "sqlite" else 2)
    moments = [args.every * (i + 1) for i in range(args.kills)]
    return run("kill_under_load", args.db, pg_url=args.pg_url, people=args.people, concurrency=args.concurrency,
               workers=workers, fault=lambda server: kill_schedule(server, after=moments, down=1.0))


if __name__ == "__main__":
    raise SystemExit(main())
