"""Reports benchmark: 1,000,000 attempts over ~2,000 units, then time the figures and the XLSX export.

    .venv/bin/python bench/reports_bench.py [--attempts 1000000] [--runs 3] [--db PATH] [--full-xlsx]
    .venv/bin/python bench/reports_bench.py --pg postgresql://postgres@127.0.0.1:5432/reports_bench

Seeds a fresh database (migrated by alembic like production) with executemany, then reports the median,
min and max of each timing. Target (DESIGN.md): the campaign summary over 1,000,000 attempts < 0.5 s.
"""

import argparse
import io
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.accounts.models import Unit
from app.banks.models import Bank
from app.db import migrate
from app.db.session import make_sessionmaker
from app.quiz.models import Campaign
from app.reports import exports, people, service

TOWNS, OFFICES = 20, 100  # 1 county + 20 towns + 2,000 offices = 2,021 units
TARGET = 0.5


def seed(engine: Engine, attempts: int, rng: random.Random) -> int:
    """Units, roster, one campaign, `attempts` attempts and study sessions; returns the campaign id."""
    start = time.perf_counter()
    now = datetime(2026, 3, 10, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(Unit), [{"id": 1, "name": "县", "full_name": "县", "tree_path": "/1/", "depth": 0,
                                     "code": "u1", "created_at": now, "sort_order": 0}])
        units, next_id = [], 2
        offices: list[int] = []
        for t in range(TOWNS):
            town = next_id
            units.append({"id": town, "parent_id": 1, "name": f"乡镇{t:02d}", "full_name": f"县/乡镇{t:02d}",
                          "tree_path": f"/1/{town}/", "depth": 1, "code": f"u{town}", "created_at": now,
                          "sort_order": 0})
            next_id += 1
            for o in range(OFFICES):
                units.append({"id": next_id, "parent_id": town, "name": f"科室{o:03d}",
                              "full_name": f"县/乡镇{t:02d}/科室{o:03d}", "tree_path": f"/1/{town}/{next_id}/",
                              "depth": 2, "code": f"u{next_id}", "created_at": now, "sort_order": 0})
                offices.append(next_id)
                next_id += 1
        conn.execute(insert(Unit), units)
        conn.execute(insert(Bank), [{"id": 1, "title": "基准题库", "source": {}, "generator": {}, "created_at": now,
                                     "updated_at": now}])
        # The campaign covers the county, as real ones do (root_unit_id), so views are filtered by unit.
        conn.execute(insert(Campaign), [{"id": 1, "slug": "bench", "title": "基准活动", "intro": "", "bank_id": 1,
                                         "root_unit_id": 1, "status": "published", "draw_rule": {"single_choice": 20},
                                         "points_total": 100, "pass_mark": 60, "max_attempts": 2,
                                         "score_policy": "best", "identity_mode": "roster", "partial_credit": False,
                                         "study_seconds_required": 0, "show_answers": "after_submit",
                                         "created_at": now, "updated_at": now}])
    # Every second person tries twice; 1% of the roster has been deactivated.
    participants = (2 * attempts + 2) // 3
    roster = int(participants / 0.8)
    # The driver gets what SQLAlchemy would store: naive UTC text on SQLite, aware values on PostgreSQL.
    stamp = (lambda d: d.replace(tzinfo=None).isoformat(sep=" ")) if engine.dialect.name == "sqlite" else (lambda d: d)
    now_s = stamp(now)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "sqlite":
            cur.execute("PRAGMA synchronous=OFF")
        person_rows = [(pid, offices[pid % len(offices)], f"人员{pid}", f"138{pid:08d}", f"{pid % 10000:04d}",
                        f"138{pid:08d}", False, rng.random() > 0.01, now_s, now_s, None)
                       for pid in range(1, roster + 1)]
        cur.executemany(
            "INSERT INTO person (id, unit_id, name, phone, phone_last4, identity_key, self_declared, active, "
            f"created_at, updated_at, deactivated_at) VALUES ({_marks(engine, 11)})", person_rows)
        attempt_rows, study_rows, attempt_id = [], [], 0
        for pid in range(1, participants + 1):
            unit_id = person_rows[pid - 1][1]
            tries = 2 if pid % 2 == 0 and attempt_id + 2 <= attempts else 1
            scores = [rng.choice(range(0, 101, 5)) for _ in range(tries)]
            best = scores.index(max(scores))
            for n, score in enumerate(scores):
                attempt_id += 1
                at = stamp(now - timedelta(days=rng.randrange(10), minutes=rng.randrange(1440)))
                attempt_rows.append((attempt_id, secrets.token_hex(16), 1, pid, unit_id, n + 1, "submitted", "online",
                                     "[]", at, at, 300, float(score), 100.0, score >= 60, n == best, False, ""))
            study_rows.append((pid, 1, pid, unit_id, now_s, now_s, 600))
        cur.executemany(
            "INSERT INTO attempt (id, token, campaign_id, person_id, unit_id, number, status, source, snapshot, "
            "started_at, submitted_at, duration_seconds, score, max_score, passed, counted, flagged_fast, "
            f"user_agent) VALUES ({_marks(engine, 18)})", attempt_rows)
        cur.executemany("INSERT INTO study_session (id, campaign_id, person_id, unit_id, started_at, last_seen_at, "
                        f"seconds) VALUES ({_marks(engine, 7)})", study_rows)
        raw.commit()
    finally:
        raw.close()
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load: statistics, and the visibility map that lets the
        # summary read only the covering indexes (index-only scans) instead of the table.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    print(f"seeded {len(units) + 1:,} units, {roster:,} people, {attempt_id:,} attempts, {len(study_rows):,} "
          f"study sessions in {time.perf_counter() - start:.1f} s")
    return 1


def _marks(engine: Engine, n: int) -> str:
    return ",".join(["?" if engine.dialect.name == "sqlite" else "%s"] * n)


def timed(label: str, runs: int, fn: Callable[[], object], target: float | None = None) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    verdict = "" if target is None else ("  OK" if statistics.median(times) < target else f"  OVER {target} s")
    print(f"{label:<44} median {statistics.median(times):7.3f} s   min {min(times):7.3f}   max {max(times):7.3f}"
          f"   ({runs} runs){verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, help="SQLite file (default: a fresh temporary file)")
    parser.add_argument("--pg", help="PostgreSQL URL of an EMPTY database to use instead of SQLite")
    parser.add_argument("--reuse", action="store_true", help="time an already seeded --db file or --pg database again")
    parser.add_argument("--full-xlsx", action="store_true", help="also export the whole campaign to XLSX once")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="reports-bench-"))
    if args.pg:
        engine = create_engine(args.pg.replace("postgresql://", "postgresql+psycopg://", 1))
    else:
        path = args.db or workdir / "bench.db"
        if not (args.reuse and path.exists()):
            path.unlink(missing_ok=True)
        engine = create_engine(f"sqlite:///{path}")
    if args.reuse and (args.db or args.pg):
        campaign_id = 1
    else:
        migrate.upgrade(engine)
        campaign_id = seed(engine, args.attempts, random.Random(2026))
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        campaign = session.get_one(Campaign, campaign_id)
        town = session.scalars(select(Unit).where(Unit.depth == 1).order_by(Unit.id)).first()
        assert town is not None
        summary = service.summarise(session, campaign)
        print(f"campaign: roster {summary.total.roster:,}, participants {summary.total.participants:,}, "
              f"average {summary.total.average:.2f}; {town.name}: "
              f"{service.summarise(session, campaign, within=town).total.participants:,} participants")
        print(f"database: {engine.dialect.name}; {args.runs} runs each")
        timed("campaign summary (all units, rolled up)", args.runs, lambda: service.summarise(session, campaign),
              TARGET)
        timed("  … without people who studied", args.runs,
              lambda: service.summarise(session, campaign, studied=False))
        timed("unit page figures (a town, 100 offices)", args.runs,
              lambda: service.summarise(session, campaign, within=town))
        timed("score bands (whole campaign)", args.runs, lambda: service.score_bands(session, campaign))
        timed("daily participation (whole campaign)", args.runs,
              lambda: service.daily_participation(session, campaign))
        timed("daily participation (a town)", args.runs,
              lambda: service.daily_participation(session, campaign, within=town))
        timed("non-participants of a town (page list)", args.runs,
              lambda: people.non_participants(session, campaign, within=town, limit=100))
        timed("XLSX export of a town", args.runs,
              lambda: exports.write_xlsx(session, campaign, io.BytesIO(), within=town))
        if args.full_xlsx:
            timed("XLSX export of the whole campaign", 1,
                  lambda: exports.write_xlsx(session, campaign, workdir / "all.xlsx"))
    engine.dispose()


if __name__ == "__main__":
    main()
