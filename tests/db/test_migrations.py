"""The migrations are the truth: `alembic upgrade head` must yield exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from app.models import Base


def test_upgrade_head_matches_models(connection: Connection) -> None:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, Base.metadata) == []


def test_every_model_table_exists(connection: Connection) -> None:
    tables = set(inspect(connection).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
