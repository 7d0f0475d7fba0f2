"""Database layer: SQLite pragmas, UTC timestamps and constraints that keep data honest."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import AuditLog, Person
from app.quiz.models import Attempt, AttemptStatus
from tests.support import factories


def test_sqlite_connections_are_tuned(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_timestamps_come_back_as_aware_utc(session: Session) -> None:
    beijing = timezone(timedelta(hours=8))
    row = AuditLog(action="x", at=datetime(2026, 3, 5, 9, 30, tzinfo=beijing))
    session.add(row)
    session.flush()
    session.expire_all()
    loaded = session.get_one(AuditLog, row.id)
    assert loaded.at == datetime(2026, 3, 5, 1, 30, tzinfo=UTC)
    assert loaded.at.tzinfo is not None


def test_same_person_twice_in_a_unit_is_refused(session: Session) -> None:
    unit = factories.unit(session)
    factories.person(session, unit, name="李四", phone="13900000001")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Person(unit_id=unit.id, name="李四", phone="13900000001", identity_key="13900000001"))
        session.flush()


def test_foreign_keys_are_enforced(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Person(unit_id=987654, name="无单位", identity_key="x"))
        session.flush()


def _attempt(campaign_id: int, person: Person, number: int, **kw: object) -> Attempt:
    return Attempt(token=f"t{person.id}-{number}-{campaign_id}", campaign_id=campaign_id, person_id=person.id,
                   unit_id=person.unit_id, number=number, **kw)


def test_one_attempt_in_progress_and_one_counted_per_person(session: Session) -> None:
    from app.quiz.campaigns import create_campaign

    unit = factories.unit(session)
    someone = factories.person(session, unit)
    campaign = create_campaign(session, bank=factories.bank(session), title="测", draw_rule={"single_choice": 2})
    session.add(_attempt(campaign.id, someone, 1))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(_attempt(campaign.id, someone, 2))
        session.flush()
    session.add(_attempt(campaign.id, someone, 3, status=AttemptStatus.SUBMITTED, counted=True))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(_attempt(campaign.id, someone, 4, status=AttemptStatus.SUBMITTED, counted=True))
        session.flush()
    assert session.execute(text("SELECT count(*) FROM attempt")).scalar() == 2
