"""Study visits record the person's unit, so reports count who studied per unit from an index, without a join;
the attempt index by person also holds submitted_at, so first submissions are read from the index alone;
a partial index finds the few deactivated people, whose attempts reports take back out.

Existing visits take the person's current unit (the best that is known about them).

Revision ID: 5c2e8f41d7b3
Revises: 7c1f0e2b9d44
Create Date: 2026-11-22 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "5c2e8f41d7b3"
down_revision: str | None = "7c1f0e2b9d44"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("study_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE study_session SET unit_id = "
        "(SELECT person.unit_id FROM person WHERE person.id = study_session.person_id)"
    )
    with op.batch_alter_table("study_session", schema=None) as batch_op:
        batch_op.alter_column("unit_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            op.f("fk_study_session_unit_id_unit"), "unit", ["unit_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_index(
            "ix_study_session_campaign_id_unit_id_person_id", ["campaign_id", "unit_id", "person_id"], unique=False
        )
        batch_op.create_index(
            "ix_study_session_campaign_id_person_id_unit_id", ["campaign_id", "person_id", "unit_id"], unique=False
        )
        batch_op.drop_index("ix_study_session_campaign_id_person_id")
    op.create_index("ix_attempt_campaign_id_person_id_submitted_at", "attempt",
                    ["campaign_id", "person_id", "submitted_at"], unique=False)
    op.drop_index("ix_attempt_campaign_id_person_id", table_name="attempt")
    op.create_index("ix_person_id_inactive", "person", ["id"], unique=False,
                    sqlite_where=sa.text("active = 0"), postgresql_where=sa.text("NOT active"))


def downgrade() -> None:
    op.drop_index("ix_person_id_inactive", table_name="person")
    op.create_index("ix_attempt_campaign_id_person_id", "attempt", ["campaign_id", "person_id"], unique=False)
    op.drop_index("ix_attempt_campaign_id_person_id_submitted_at", table_name="attempt")
    with op.batch_alter_table("study_session", schema=None) as batch_op:
        batch_op.create_index("ix_study_session_campaign_id_person_id", ["campaign_id", "person_id"], unique=False)
        batch_op.drop_index("ix_study_session_campaign_id_person_id_unit_id")
        batch_op.drop_index("ix_study_session_campaign_id_unit_id_person_id")
        batch_op.drop_constraint(op.f("fk_study_session_unit_id_unit"), type_="foreignkey")
        batch_op.drop_column("unit_id")
