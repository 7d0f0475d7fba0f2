"""People of a view: who has not taken part yet (催办名单) and everyone's result (人员明细)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Exists, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from app.accounts.models import Person, Unit
from app.quiz.models import Attempt, AttemptSource, Campaign, StudySession
from app.reports.scope import filter_root, unit_ids_clause, view_root
from app.reports.service import EPSILON

BATCH = 2000


@dataclass(frozen=True)
class PersonRow:
    """One roster line with the person's counted result, if any."""

    person_id: int
    unit_name: str
    name: str
    phone: str | None
    title: str | None
    attempts: int
    score: float | None
    passed: bool | None
    paper: bool
    submitted_at: datetime | None
    duration_seconds: int | None
    study_seconds: int
    flagged_fast: bool = False

    @property
    def took_part(self) -> bool:
        return self.score is not None


# `submitted_at` is set exactly when an attempt is submitted; testing it rather than the status lets
# both checks below read the (campaign_id, person_id, submitted_at) index alone.
def _submitted_exists(campaign: Campaign) -> Exists:
    return exists().where(Attempt.campaign_id == campaign.id, Attempt.person_id == Person.id,
                          Attempt.submitted_at.is_not(None))


def non_participants(session: Session, campaign: Campaign, *, within: Unit | None = None,
                     limit: int | None = None) -> list[tuple[Person, Unit]]:
    """Active roster people of the view without a submitted attempt, by unit then name."""
    root = filter_root(session, view_root(session, campaign, within))
    query = (
        select(Person, Unit).join(Unit, Unit.id == Person.unit_id)
        .where(Person.active == true(), Person.self_declared == false(), unit_ids_clause(Person.unit_id, root),
               ~_submitted_exists(campaign))
        .order_by(Unit.full_name, Person.name, Person.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [(person, unit) for person, unit in session.execute(query)]


def non_participant_rows(session: Session, campaign: Campaign, *,
                         within: Unit | None = None) -> Iterator[tuple[str, str, str | None, str | None]]:
    """(unit full name, name, phone, title) of the same people, streamed in batches (for exports)."""
    root = filter_root(session, view_root(session, campaign, within))
    query = (
        select(Unit.full_name, Person.name, Person.phone, Person.title).join(Unit, Unit.id == Person.unit_id)
        .where(Person.active == true(), Person.self_declared == false(), unit_ids_clause(Person.unit_id, root),
               ~_submitted_exists(campaign))
        .order_by(Unit.full_name, Person.name, Person.id)
        .execution_options(yield_per=BATCH)
    )
    yield from session.execute(query).tuples()


def count_non_participants(session: Session, campaign: Campaign, *, within: Unit | None = None) -> int:
    """How many active roster people of the view have not taken part."""
    root = filter_root(session, view_root(session, campaign, within))
    return int(session.scalar(
        select(func.count()).select_from(Person)
        .where(Person.active == true(), Person.self_declared == false(), unit_ids_clause(Person.unit_id, root),
               ~_submitted_exists(campaign))
    ) or 0)


def person_rows(session: Session, campaign: Campaign, *, within: Unit | None = None, fast_only: bool = False,
                limit: int | None = None) -> Iterator[PersonRow]:
    """Every active person of the view with their counted result, streamed in batches.

    `fast_only`: only those whose counted result was handed in too fast (提交过快).
    """
    root = filter_root(session, view_root(session, campaign, within))
    counted = aliased(Attempt)
    attempts = (
        select(func.count()).where(Attempt.campaign_id == campaign.id, Attempt.person_id == Person.id,
                                   Attempt.submitted_at.is_not(None))
        .correlate(Person).scalar_subquery()
    )
    studied = (
        select(func.coalesce(func.sum(StudySession.seconds), 0))
        .where(StudySession.campaign_id == campaign.id, StudySession.person_id == Person.id)
        .correlate(Person).scalar_subquery()
    )
    query = (
        select(Person.id, Unit.full_name, Person.name, Person.phone, Person.title, attempts, counted.score,
               counted.id, counted.source, counted.submitted_at, counted.duration_seconds, studied,
               counted.flagged_fast)
        .join(Unit, Unit.id == Person.unit_id)
        .outerjoin(counted, and_(counted.campaign_id == campaign.id, counted.person_id == Person.id,
                                 counted.counted == true()))
        # Self-declared people belong to a campaign's figures only once they take part.
        .where(Person.active == true(), unit_ids_clause(Person.unit_id, root),
               or_(Person.self_declared == false(), counted.id.is_not(None)))
        .order_by(Unit.full_name, Person.name, Person.id)
        .execution_options(yield_per=BATCH)
    )
    if fast_only:
        query = query.where(counted.flagged_fast == true())
    if limit is not None:
        query = query.limit(limit)
    for row in session.execute(query):
        yield PersonRow(
            person_id=row[0], unit_name=row[1], name=row[2], phone=row[3], title=row[4],
            attempts=int(row[5] or 0),
            score=row[6], passed=None if row[6] is None else row[6] >= campaign.pass_mark - EPSILON,
            paper=row[8] == AttemptSource.PAPER, submitted_at=row[9],
            duration_seconds=row[10], study_seconds=int(row[11] or 0), flagged_fast=bool(row[12]),
        )
