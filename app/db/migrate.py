"""Run Alembic migrations from code (CLI, demo, tests) without a top-level alembic.ini."""

from alembic.config import Config
from sqlalchemy import Connection, Engine

from alembic import command
from app.core.config import PROJECT_ROOT

ALEMBIC_DIR = PROJECT_ROOT / "alembic"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configuration pointing at the repository's migrations."""
    config = Config(str(ALEMBIC_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database up to `revision`."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
