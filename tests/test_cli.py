"""The `ceyice` command as a new user runs it: migrate, create an admin, load the demo twice."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, func, select

from app.accounts.models import AdminUser, Person
from app.quiz.models import Campaign, CampaignStatus


def _ceyice(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CEYICE_DATA_DIR": str(data_dir), "CEYICE_DATABASE_URL": ""}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def test_upgrade_and_demo_are_safe_to_run_twice(tmp_path: Path) -> None:
    for _ in range(2):
        upgraded = _ceyice(tmp_path, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
    first = _ceyice(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    assert "演示数据已载入" in first.stdout and "/c/" in first.stdout and "ceyice-demo-2026" in first.stdout
    second = _ceyice(tmp_path, "demo")
    assert second.returncode == 0, second.stderr
    assert "未重复创建" in second.stdout

    engine = create_engine(f"sqlite:///{tmp_path / 'ceyice.db'}")
    with engine.connect() as conn:
        campaigns = conn.execute(select(Campaign.status)).scalars().all()
        assert campaigns == [CampaignStatus.PUBLISHED]
        assert conn.scalar(select(func.count()).select_from(AdminUser)) == 2
        assert conn.scalar(select(func.count()).select_from(Person)) == 18
    engine.dispose()
    slug_line = next(line for line in first.stdout.splitlines() if "/c/" in line)
    assert slug_line.strip().split("/c/")[1] in second.stdout


def test_admin_create_refuses_a_weak_password(tmp_path: Path) -> None:
    assert _ceyice(tmp_path, "db", "upgrade").returncode == 0
    weak = _ceyice(tmp_path, "admin", "create", "boss", "--password", "12345678")
    assert weak.returncode != 0
    assert "密码至少 8 位" in weak.stderr
    ok = _ceyice(tmp_path, "admin", "create", "boss", "--password", "county-office-2026")
    assert ok.returncode == 0 and "已创建管理员 boss" in ok.stdout


def test_backup_then_restore_brings_back_exactly_the_backed_up_data(tmp_path: Path) -> None:
    assert _ceyice(tmp_path, "db", "upgrade").returncode == 0
    assert _ceyice(tmp_path, "admin", "create", "first", "--password", "county-office-2026").returncode == 0
    backup_file = tmp_path / "backups" / "b1.db"
    made = _ceyice(tmp_path, "db", "backup", str(backup_file))
    assert made.returncode == 0, made.stderr
    assert _ceyice(tmp_path, "db", "backup", str(backup_file)).returncode != 0  # never overwrites

    assert _ceyice(tmp_path, "admin", "create", "second", "--password", "county-office-2026").returncode == 0
    restored = _ceyice(tmp_path, "db", "restore", str(backup_file), "--yes")
    assert restored.returncode == 0, restored.stderr

    engine = create_engine(f"sqlite:///{tmp_path / 'ceyice.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(AdminUser.username)).scalars().all() == ["first"]
    engine.dispose()
    aside = create_engine(f"sqlite:///{tmp_path / 'ceyice.db.before-restore'}")
    with aside.connect() as conn:
        assert sorted(conn.execute(select(AdminUser.username)).scalars().all()) == ["first", "second"]
    aside.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    assert _ceyice(tmp_path, "db", "upgrade").returncode == 0
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    refused = _ceyice(tmp_path, "db", "restore", str(junk), "--yes")
    assert refused.returncode != 0
    assert "不是测一测的数据库备份文件" in refused.stderr
