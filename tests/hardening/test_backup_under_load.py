"""`ceyice db backup` while employees keep writing: the restored copy is a consistent snapshot of the live data."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.hardening.conftest import FileApp
from tests.quiz.helpers import token_of
from tests.support.web import csrf_from

# A second process commits one audit row at a time, as fast as it can, until told to stop.
WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("PRAGMA busy_timeout=15000")
n = 0
print("writing", flush=True)
while True:
    try:
        open(sys.argv[2]).close()
        break
    except FileNotFoundError:
        pass
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO audit_log (at, actor_label, action, target_type, target_id, detail, ip) "
                 "VALUES (datetime('now'), 'writer', 'tick', '', ?, '{}', '')", (str(n),))
    conn.execute("COMMIT")
    n += 1
print(n, flush=True)
"""


def _ceyice(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CEYICE_DATA_DIR": str(data_dir), "CEYICE_DATABASE_URL": "",
           "CEYICE_SECRET_KEY": "k" * 48}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}


def test_backup_taken_while_a_writer_commits_restores_to_a_consistent_copy(file_app: FileApp, tmp_path: Path) -> None:
    # Real quiz data first: an attempt with answers, submitted through HTTP.
    seeded, who = file_app.seeded, file_app.seeded.employees[0]
    with file_app.client() as client:
        page = client.get(f"/c/{seeded.slug}/identify")
        client.post(f"/c/{seeded.slug}/identify", data={"csrf_token": csrf_from(page), "unit_id": str(who.unit_id),
                                                        "name": who.name, "code": who.code}, follow_redirects=False)
        token = token_of(client.post(f"/c/{seeded.slug}/start", data={"csrf_token": csrf_from(page)},
                                     follow_redirects=False))
        for position in range(4):
            client.post(f"/api/attempts/{token}/answers/{position}", json={"response": None},
                        headers={"X-CSRF-Token": csrf_from(page)})
        assert client.post(f"/a/{token}/submit", data={"csrf_token": csrf_from(page)},
                           follow_redirects=False).status_code == 303
    file_app.engine.dispose()
    file_app.app.state.engine.dispose()
    before = _tables(file_app.path)

    live_dir = file_app.path.parent
    stop = tmp_path / "stop"
    with subprocess.Popen([sys.executable, "-c", WRITER, str(live_dir / "ceyice.db"), str(stop)],
                          stdout=subprocess.PIPE, text=True) as writer:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        time.sleep(0.3)
        made = _ceyice(live_dir, "db", "backup", str(tmp_path / "copy.db"))
        time.sleep(0.3)
        stop.touch()
        written = int(writer.stdout.read().strip())
    assert made.returncode == 0, made.stderr
    assert written > 0

    restored_dir = tmp_path / "restored"
    restored = _ceyice(restored_dir, "db", "restore", str(tmp_path / "copy.db"), "--yes")
    assert restored.returncode == 0, restored.stderr
    copy = _tables(restored_dir / "ceyice.db")
    after = _tables(live_dir / "ceyice.db")

    # Everything committed before the backup is in the copy, identical; the writer's rows form a prefix.
    assert set(copy) == set(after)
    for name, rows in before.items():
        if name == "audit_log":
            continue
        assert copy[name] == rows == after[name], name
    ticks = sorted(int(r[6]) for r in copy["audit_log"] if r[4] == "tick")  # target_id of action 'tick'
    assert ticks == list(range(len(ticks)))
    assert 0 < len(ticks) <= written  # taken mid-stream, not before the writer began nor after it stopped
    assert len(ticks) < written
    with sqlite3.connect(restored_dir / "ceyice.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
