"""SQLite busy/locked: another process holding the write lock makes requests wait, never fail.

The app serialises its own writing requests; these tests put a *second process* on the same file,
holding SQLite's write lock (with a real write inside) for a couple of seconds, and check that POSTs and
the GETs that write (study visits, lazy expiry of an overdue attempt) all succeed within busy_timeout.
"""

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from app.core.timeutil import utc_now
from app.quiz.models import Answer, Attempt, AttemptStatus, StudySession
from tests.hardening.conftest import FileApp
from tests.quiz.helpers import token_of
from tests.support.web import csrf_from

HOLD_SECONDS = 2.0
# A real row written under the lock: the other process's commit moves the database on, so a reader that
# began before it cannot simply upgrade its snapshot to a write (SQLite's BUSY_SNAPSHOT).
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO audit_log (at, actor_label, action, target_type, target_id, detail, ip) "
             "VALUES (datetime('now'), 'other process', 'hold_lock', '', '', '{}', '')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
print("released", flush=True)
"""


@contextmanager
def write_lock_held_elsewhere(path: Path, seconds: float = HOLD_SECONDS) -> Iterator[subprocess.Popen[str]]:
    """Another OS process holds SQLite's write lock (with a pending write) for `seconds`."""
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE,
                          text=True) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        yield proc
        assert proc.stdout.read().strip() == "released"
        assert proc.wait(timeout=30) == 0


def _identify_and_start(client: TestClient, file_app: FileApp, n: int = 0) -> str:
    seeded, who = file_app.seeded, file_app.seeded.employees[n]
    page = client.get(f"/c/{seeded.slug}/identify")
    posted = client.post(f"/c/{seeded.slug}/identify", data={"csrf_token": csrf_from(page), "unit_id": str(who.unit_id),
                                                             "name": who.name, "code": who.code},
                         follow_redirects=False)
    assert posted.status_code == 303, posted.text
    study = client.get(f"/c/{seeded.slug}/study")
    started = client.post(f"/c/{seeded.slug}/start", data={"csrf_token": csrf_from(study)}, follow_redirects=False)
    assert started.status_code == 303, started.text
    return token_of(started)


def test_autosave_and_submit_wait_for_another_process_holding_the_write_lock(file_app: FileApp) -> None:
    with file_app.client() as client:
        token = _identify_and_start(client, file_app)
        page = client.get(f"/a/{token}/q/1")
        csrf = csrf_from(page)
        with write_lock_held_elsewhere(file_app.path):
            began = time.monotonic()
            saved = client.post(f"/api/attempts/{token}/answers/0", json={"response": None},
                                headers={"X-CSRF-Token": csrf})
            waited = time.monotonic() - began
        assert saved.status_code == 200, saved.text
        assert waited >= HOLD_SECONDS / 2  # it really waited for the other process
        with write_lock_held_elsewhere(file_app.path):
            submitted = client.post(f"/a/{token}/submit", data={"csrf_token": csrf}, follow_redirects=False)
        assert submitted.status_code == 303, submitted.text
    with file_app.sessions() as session:
        assert session.scalar(select(Attempt.status).where(Attempt.token == token)) == AttemptStatus.SUBMITTED


def test_study_page_which_records_a_visit_on_get_waits_instead_of_failing(file_app: FileApp) -> None:
    seeded, who = file_app.seeded, file_app.seeded.employees[1]
    with file_app.client() as client:
        page = client.get(f"/c/{seeded.slug}/identify")
        client.post(f"/c/{seeded.slug}/identify", data={"csrf_token": csrf_from(page), "unit_id": str(who.unit_id),
                                                        "name": who.name, "code": who.code},
                    follow_redirects=False)
        with write_lock_held_elsewhere(file_app.path):
            study = client.get(f"/c/{seeded.slug}/study")
    assert study.status_code == 200, study.text
    with file_app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StudySession)) == 1


def test_overdue_attempt_expired_lazily_by_a_get_while_another_process_writes(file_app: FileApp) -> None:
    with file_app.client() as client:
        token = _identify_and_start(client, file_app, 2)
        with file_app.sessions() as session:
            snapshot = session.scalar(select(Attempt.snapshot).where(Attempt.token == token))
        position = next(item["position"] for item in snapshot if item["kind"] == "true_false")
        page = client.get(f"/a/{token}/q/1")
        saved = client.post(f"/api/attempts/{token}/answers/{position}", json={"response": "true"},
                            headers={"X-CSRF-Token": csrf_from(page)})
        assert saved.status_code == 200, saved.text
        with file_app.sessions.begin() as session:
            session.execute(update(Attempt).where(Attempt.token == token)
                            .values(deadline_at=utc_now() - timedelta(minutes=5)))
        with write_lock_held_elsewhere(file_app.path):
            shown = client.get(f"/a/{token}/q/1", follow_redirects=False)
        assert shown.status_code == 303, shown.text
        assert shown.headers["location"].endswith(f"/a/{token}/result")
        result = client.get(shown.headers["location"])
        assert result.status_code == 200
    with file_app.sessions() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.token == token))
        assert attempt is not None and attempt.status == AttemptStatus.SUBMITTED
        assert attempt.score is not None
        # The answer saved before the deadline was graded, not lost.
        answers = session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)).all()
        assert [a.position for a in answers] == [position] and answers[0].fraction is not None


def test_entry_page_expires_an_overdue_attempt_while_another_process_writes(file_app: FileApp) -> None:
    with file_app.client() as client:
        token = _identify_and_start(client, file_app, 3)
        with file_app.sessions.begin() as session:
            session.execute(update(Attempt).where(Attempt.token == token)
                            .values(deadline_at=utc_now() - timedelta(minutes=5)))
        with write_lock_held_elsewhere(file_app.path):
            entry = client.get(f"/c/{file_app.seeded.slug}")
        assert entry.status_code == 200, entry.text
    with file_app.sessions() as session:
        assert session.scalar(select(Attempt.status).where(Attempt.token == token)) == AttemptStatus.SUBMITTED


def test_many_gets_that_write_and_posts_at_once_never_starve_the_connection_pool(tmp_path: Path) -> None:
    """GETs writing apart give their connection back before queueing for the write lock.

    Otherwise, with more such GETs than pooled connections, the writer holding the lock waits for a
    connection that the GETs waiting for the lock never release (a 30 s pool timeout, then errors).
    """
    import asyncio

    from tests.hardening.faults import Crowd, Server, prepare_database

    url = f"sqlite:///{tmp_path / 'ceyice.db'}"
    seeded = prepare_database(url, tmp_path, people=60)
    server = Server(url, tmp_path)
    server.env["CEYICE_DB_POOL_SIZE"] = "1"  # 21 connections for 60 people at once
    server.start()
    try:
        crowd = Crowd(server.base, seeded, concurrency=60, patience=20)
        stats = asyncio.run(asyncio.wait_for(crowd.run(), 120))
    finally:
        server.stop()
    assert stats.server_errors == 0 and stats.status[503] == 0 and not stats.unexpected, stats.status
    assert stats.acked_submits == 60
