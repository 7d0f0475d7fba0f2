"""Online backup and restore of the embedded SQLite database (PostgreSQL: pg_dump, see docs/deploy.md)."""

import sqlite3
from datetime import datetime
from pathlib import Path

from app.core.config import Settings
from app.core.exceptions import Invalid


class BackupError(Invalid):
    message = "备份或恢复失败。"


def sqlite_path(settings: Settings) -> Path:
    """The database file behind a sqlite:/// URL; refused for other databases."""
    if not settings.is_sqlite:
        raise BackupError("当前使用 PostgreSQL：请用 pg_dump / pg_restore 备份和恢复（见 docs/deploy.md）。")
    path = settings.database_url.removeprefix("sqlite:///")
    if not path or path == ":memory:":
        raise BackupError("内存数据库无法备份。")
    return Path(path)


def default_backup_name(now: datetime) -> str:
    """A file name that sorts by time, e.g. ceyice-20260305-1030.db."""
    return f"ceyice-{now:%Y%m%d-%H%M%S}.db"


def backup(settings: Settings, target: Path) -> Path:
    """Copy the live database page by page while the service keeps running (SQLite online backup)."""
    source_path = sqlite_path(settings)
    if not source_path.exists():
        raise BackupError(f"数据库文件不存在：{source_path.name}。请先运行 ceyice db upgrade。")
    if target.exists():
        raise BackupError(f"{target} 已存在，请换一个文件名，避免覆盖旧备份。")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    check_backup(target)
    return target


def check_backup(path: Path) -> str:
    """The schema revision a backup holds; refused unless it is a complete ceyice database."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError(f"{path.name} 已损坏（完整性检查未通过）。")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} 不是测一测的数据库备份文件。") from exc
    if row is None:
        raise BackupError(f"{path.name} 不是测一测的数据库备份文件。")
    return str(row[0])


def restore(settings: Settings, source: Path) -> Path:
    """Replace the live database with a backup (stop the service first); the old one is kept aside."""
    check_backup(source)
    live = sqlite_path(settings)
    live.parent.mkdir(parents=True, exist_ok=True)
    if live.exists():
        aside = live.with_name(live.name + ".before-restore")
        aside.unlink(missing_ok=True)
        with sqlite3.connect(live) as current, sqlite3.connect(aside) as keep:
            current.backup(keep)
    with sqlite3.connect(source) as backup_conn, sqlite3.connect(live) as live_conn:
        backup_conn.backup(live_conn)
    return live
