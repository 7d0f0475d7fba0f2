"""SIGKILL the server in the middle of employees answering, restart it: nothing acknowledged is lost.

A small CI-sized run of tests/hardening/faults.py (the long run: bench/faults/kill_under_load.py), on
SQLite always and on PostgreSQL when CEYICE_TEST_DATABASE_URL points at one (in its own schema).
"""

import asyncio
from pathlib import Path

from tests.hardening.faults import Crowd, Server, kill_schedule, prepare_database, verify

PEOPLE = 40


def test_every_acknowledged_answer_survives_a_sigkill_mid_run(database_url: str, tmp_path: Path) -> None:
    seeded = prepare_database(database_url, tmp_path, people=PEOPLE)
    server = Server(database_url, tmp_path, workers=1)
    server.start()
    try:
        crowd = Crowd(server.base, seeded, concurrency=10, seed=1)
        # Killed twice: once while people identify and start, once while they answer.
        stats = asyncio.run(asyncio.wait_for(crowd.run(kill_schedule(server, after=[0.8, 2.5], down=0.5)), 240))
    finally:
        server.stop()
    verdict = verify(database_url, crowd)

    assert stats.faults == 2 and server.starts == 3
    assert stats.transport_errors > 0, "the kills landed after the run had finished"
    assert stats.resume_checks > 0
    assert stats.server_errors == 0 and not stats.unexpected, (stats.status, stats.unexpected[:5])
    assert stats.acked_submits == PEOPLE
    assert verdict.answers_checked >= PEOPLE * 8
    assert verdict.answers_lost == [] and verdict.submits_lost == [] and verdict.corrupt == []
    assert stats.resume_mismatches == []
