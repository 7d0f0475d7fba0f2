"""The migrations are the truth: `alembic upgrade head` must yield exactly the models' schema."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect, text

from app.db import migrate
from app.models import Base


def test_upgrade_head_matches_models(connection: Connection) -> None:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, Base.metadata) == []


def test_every_model_table_exists(connection: Connection) -> None:
    tables = set(inspect(connection).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_study_visits_take_their_person_unit_when_migrated(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(engine, "a5a1459540a3")  # the baseline, before study visits had a unit
    now = "2026-03-01 08:00:00"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO unit (id, name, full_name, tree_path, depth, code, sort_order, created_at) "
                          "VALUES (1, '县', '县', '/1/', 0, 'u1', 0, :now), "
                          "(2, '乡', '县/乡', '/1/2/', 1, 'u2', 0, :now)"),
                     {"now": now})
        conn.execute(text("INSERT INTO person (id, unit_id, name, phone_last4, identity_key, self_declared, active, "
                          "created_at, updated_at) VALUES (1, 1, '甲', '0001', 'k1', 0, 1, :now, :now), "
                          "(2, 2, '乙', '0002', 'k2', 0, 1, :now, :now)"), {"now": now})
        conn.execute(text("INSERT INTO bank (id, title, source, generator, created_at, updated_at) "
                          "VALUES (1, '题库', '{}', '{}', :now, :now)"), {"now": now})
        conn.execute(text("INSERT INTO campaign (id, slug, title, intro, bank_id, status, draw_rule, points_total, "
                          "pass_mark, max_attempts, score_policy, identity_mode, partial_credit, "
                          "study_seconds_required, show_answers, created_at, updated_at) "
                          "VALUES (1, 'c', '活动', '', 1, 'published', '{}', 100, 60, 1, 'best', 'roster', 0, 0, "
                          "'after_submit', :now, :now)"),
                     {"now": now})
        conn.execute(text("INSERT INTO study_session (campaign_id, person_id, started_at, last_seen_at, seconds) "
                          "VALUES (1, 1, :now, :now, 60), (1, 2, :now, :now, 30), (1, 2, :now, :now, 90)"),
                     {"now": now})
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT person_id, unit_id, seconds FROM study_session ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, 1, 60), (2, 2, 30), (2, 2, 90)]
        columns = {c["name"]: c for c in inspect(conn).get_columns("study_session")}
        assert columns["unit_id"]["nullable"] is False
    engine.dispose()
