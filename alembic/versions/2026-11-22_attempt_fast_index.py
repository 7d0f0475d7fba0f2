"""Partial index on the counted attempts flagged as handed in too fast, for the reports' per-unit count.

Revision ID: 7c1f0e2b9d44
Revises: a5a1459540a3
Create Date: 2026-11-22 07:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "7c1f0e2b9d44"
down_revision: str | None = "a5a1459540a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attempt_fast",
            ["campaign_id", "counted", "flagged_fast", "unit_id", "person_id"],
            unique=False,
            sqlite_where=sa.text("counted = 1 AND flagged_fast = 1"),
            postgresql_where=sa.text("counted AND flagged_fast"),
        )


def downgrade() -> None:
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_attempt_fast",
            sqlite_where=sa.text("counted = 1 AND flagged_fast = 1"),
            postgresql_where=sa.text("counted AND flagged_fast"),
        )
