"""The `ceyice` command: database, server, admin accounts, the demo, and the bank generator."""

import getpass
import sys
from pathlib import Path

import click
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.core.config import Environment, get_settings
from app.core.exceptions import AppError
from app.core.timeutil import CHINA, utc_now
from app.db import backup, migrate
from app.db.session import make_engine, make_sessionmaker
from questions.cli import bank as bank_commands


@click.group()
def main() -> None:
    """测一测：政府工作报告学习答题服务。"""


@main.group()
def db() -> None:
    """Database commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the latest schema."""
    settings = get_settings()
    engine = make_engine(settings)
    migrate.upgrade(engine)
    engine.dispose()
    click.echo(f"数据库已是最新结构：{_safe_url(settings.database_url)}")


@db.command("backup")
@click.argument("target", required=False, type=click.Path(path_type=Path))
def db_backup(target: Path | None) -> None:
    """Back up the SQLite database while the service runs (PostgreSQL: use pg_dump)."""
    settings = get_settings()
    target = target or settings.data_dir / "backups" / backup.default_backup_name(utc_now().astimezone(CHINA))
    try:
        done = backup.backup(settings, target)
    except AppError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已备份到 {done}")


@db.command("restore")
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def db_restore(source: Path, yes: bool) -> None:
    """Replace the SQLite database with a backup. Stop the service first."""
    settings = get_settings()
    if not yes:
        click.confirm("恢复会用备份替换当前数据库（当前库另存为 .before-restore）。请先停止服务。继续吗？", abort=True)
    try:
        live = backup.restore(settings, source)
    except AppError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已从 {source} 恢复到 {live}")


@main.command()
@click.option("--host", default=None, help="Address to listen on (default from CEYICE_HOST).")
@click.option("--port", default=None, type=int, help="Port (default from CEYICE_PORT).")
@click.option("--workers", default=1, show_default=True, help="Worker processes (PostgreSQL only for >1).")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the web application with uvicorn."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


@main.group()
def admin() -> None:
    """Admin accounts."""


@admin.command("create")
@click.argument("username")
@click.option("--password", default=None, help="Password (asked for when omitted).")
@click.option("--display-name", default="", help="Name shown in the console.")
def admin_create(username: str, password: str | None, display_name: str) -> None:
    """Create an organiser (admin) account."""
    password = password or getpass.getpass("密码：")
    try:
        with _session() as session, session.begin():
            accounts_service.create_admin_user(
                session, username=username, password=password, role=Role.ADMIN, display_name=display_name
            )
    except AppError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已创建管理员 {username}。")


@main.command()
def demo() -> None:
    """Load the demo (report, bank, campaign, roster) once and print how to try it."""
    from app.demo.loader import load_demo

    settings = get_settings()
    if settings.env is Environment.PRODUCTION:
        raise click.ClickException("生产环境不载入演示数据（演示账号的密码是公开的）。")
    with _session() as session, session.begin():
        info = load_demo(session)
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    click.echo("")
    click.echo("演示数据" + ("已载入。" if info.created else "早已载入，未重复创建。"))
    click.echo(f"  答题链接（员工）：{base}/c/{info.campaign_slug}")
    click.echo(f"  管理后台：        {base}/admin   用户名 {info.admin_username}  密码 {info.admin_password}")
    click.echo(f"  联络员账号：      用户名 {info.liaison_username}  密码 {info.admin_password}（城关镇）")
    click.echo(
        f"  示例答题人：      单位 {info.sample_unit}  姓名 {info.sample_name}  手机尾号 {info.sample_phone_tail}"
    )
    click.echo("")


def _session() -> Session:
    engine = make_engine(get_settings())
    return make_sessionmaker(engine)()


def _safe_url(url: str) -> str:
    # Never print a database password to a terminal or a CI log.
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


main.add_command(bank_commands, "bank")


if __name__ == "__main__":
    sys.exit(main())
