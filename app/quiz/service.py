"""The attempt lifecycle: start or resume, save answers, submit (also at expiry), paper attempts.

Services flush, never commit. Everything that ends an attempt goes through `_finish`, which claims
the row with a conditional UPDATE so that double taps, retries and racing processes submit once.
"""

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from app.accounts.models import AdminUser, Person
from app.core.security import new_token
from app.core.timeutil import as_utc, utc_now
from app.quiz import scoring
from app.quiz.exceptions import (
    AttemptFinished,
    AttemptNotFound,
    AttemptsUsedUp,
    AttemptTimeUp,
    CampaignClosed,
    CampaignDraft,
    CampaignNotOpen,
    QuestionNotFound,
)
from app.quiz.models import Answer, Attempt, AttemptSource, AttemptStatus, Campaign, CampaignStatus
from app.quiz.responses import clean_response

# Answers that arrive this late after the deadline (slow network, the timer's own submit) still count.
GRACE = timedelta(seconds=15)
# Faster than this per question nobody has read the stems: the result is flagged for the organiser.
MIN_SECONDS_PER_QUESTION = 3


class Window(StrEnum):
    DRAFT = "draft"
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"


def window(campaign: Campaign, now: datetime | None = None) -> Window:
    """Where a campaign stands for employees right now."""
    now = now or utc_now()
    if campaign.status == CampaignStatus.DRAFT:
        return Window.DRAFT
    if campaign.status == CampaignStatus.CLOSED or (
        campaign.closes_at is not None and as_utc(campaign.closes_at) <= now
    ):
        return Window.CLOSED
    if campaign.opens_at is not None and as_utc(campaign.opens_at) > now:
        return Window.NOT_YET
    return Window.OPEN


def check_open(campaign: Campaign, now: datetime | None = None) -> None:
    """Refuse to start or answer outside the campaign's window."""
    state = window(campaign, now)
    if state is Window.DRAFT:
        raise CampaignDraft()
    if state is Window.NOT_YET:
        raise CampaignNotOpen()
    if state is Window.CLOSED:
        raise CampaignClosed()


def get_attempt_by_token(session: Session, token: str) -> Attempt:
    """The attempt behind a URL token."""
    attempt = session.scalar(select(Attempt).where(Attempt.token == token))
    if attempt is None:
        raise AttemptNotFound()
    return attempt


def attempts_of(session: Session, *, campaign: Campaign, person_id: int) -> list[Attempt]:
    """A person's attempts at a campaign, oldest first."""
    return list(
        session.scalars(
            select(Attempt)
            .where(Attempt.campaign_id == campaign.id, Attempt.person_id == person_id)
            .order_by(Attempt.number, Attempt.id)
        )
    )


def find_in_progress(session: Session, *, campaign: Campaign, person_id: int) -> Attempt | None:
    """The attempt a person has open at a campaign, if any."""
    return session.scalar(
        select(Attempt).where(
            Attempt.campaign_id == campaign.id,
            Attempt.person_id == person_id,
            Attempt.status == AttemptStatus.IN_PROGRESS,
        )
    )


def attempts_left(session: Session, *, campaign: Campaign, person_id: int) -> int:
    """How many more attempts the person may start (paper attempts count too)."""
    used = session.scalar(
        select(func.count()).select_from(Attempt)
        .where(Attempt.campaign_id == campaign.id, Attempt.person_id == person_id)
    ) or 0
    return max(campaign.max_attempts - int(used), 0)


def _next_number(session: Session, campaign: Campaign, person_id: int) -> int:
    last = session.scalar(
        select(func.max(Attempt.number)).where(Attempt.campaign_id == campaign.id, Attempt.person_id == person_id)
    )
    return int(last or 0) + 1


def start_attempt(
    session: Session,
    *,
    campaign: Campaign,
    person: Person,
    rng: random.Random,
    user_agent: str = "",
    now: datetime | None = None,
) -> Attempt:
    """The person's open attempt, or a new one drawn now if the window and attempt limit allow."""
    now = now or utc_now()
    current = find_in_progress(session, campaign=campaign, person_id=person.id)
    if current is not None and expire_if_due(session, current, now=now):
        current = None
    if current is not None:
        return current
    check_open(campaign, now)
    if attempts_left(session, campaign=campaign, person_id=person.id) <= 0:
        raise AttemptsUsedUp()
    deadline = now + timedelta(seconds=campaign.time_limit_seconds) if campaign.time_limit_seconds else None
    if campaign.closes_at is not None:
        closes = as_utc(campaign.closes_at)
        deadline = closes if deadline is None else min(deadline, closes)
    attempt = Attempt(
        token=new_token(16),
        campaign_id=campaign.id,
        person_id=person.id,
        unit_id=person.unit_id,
        number=_next_number(session, campaign, person.id),
        status=AttemptStatus.IN_PROGRESS,
        source=AttemptSource.ONLINE,
        snapshot=scoring.draw_snapshot(session, campaign, rng),
        started_at=now,
        deadline_at=deadline,
        max_score=float(campaign.points_total),
        user_agent=user_agent[:300],
    )
    try:
        # A double tap on "start" races here; the partial unique index lets only one attempt open.
        with session.begin_nested():
            session.add(attempt)
            session.flush()
    except IntegrityError:
        raced = find_in_progress(session, campaign=campaign, person_id=person.id)
        if raced is None:
            raise
        return raced
    return attempt


def item_at(attempt: Attempt, position: int) -> dict[str, Any]:
    """The snapshot item shown at a 0-based position."""
    if not 0 <= position < len(attempt.snapshot):
        raise QuestionNotFound()
    item: dict[str, Any] = attempt.snapshot[position]
    return item


def time_left(attempt: Attempt, now: datetime | None = None) -> int | None:
    """Whole seconds until the deadline (never negative), or None without a time limit."""
    if attempt.deadline_at is None:
        return None
    seconds = (as_utc(attempt.deadline_at) - (now or utc_now())).total_seconds()
    return max(int(seconds), 0)


def is_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    """Whether an open attempt is past its deadline and grace."""
    return (
        attempt.status == AttemptStatus.IN_PROGRESS
        and attempt.deadline_at is not None
        and (now or utc_now()) > as_utc(attempt.deadline_at) + GRACE
    )


def expire_if_due(session: Session, attempt: Attempt, *, now: datetime | None = None) -> bool:
    """Submit an overdue attempt with what was saved; True if it was (or had already been) ended."""
    if attempt.status == AttemptStatus.SUBMITTED:
        return True
    if not is_overdue(attempt, now):
        return False
    submit_attempt(session, attempt=attempt, now=now)
    return True


def expire_overdue(session: Session, *, campaign: Campaign, now: datetime | None = None) -> int:
    """Submit every overdue attempt of a campaign (for dashboards and exports); how many were."""
    now = now or utc_now()
    rows = session.scalars(
        select(Attempt).where(
            Attempt.campaign_id == campaign.id,
            Attempt.status == AttemptStatus.IN_PROGRESS,
            Attempt.deadline_at.is_not(None),
            Attempt.deadline_at < now - GRACE,
        )
    )
    count = 0
    for attempt in list(rows):
        count += int(expire_if_due(session, attempt, now=now))
    return count


def answers_of(session: Session, attempt: Attempt) -> dict[int, Answer]:
    """The saved answers of an attempt by position."""
    rows = session.scalars(select(Answer).where(Answer.attempt_id == attempt.id))
    return {row.position: row for row in rows}


def responses_of(session: Session, attempt: Attempt) -> dict[int, object]:
    """The saved responses of an attempt by position (unanswered positions absent)."""
    return {pos: row.response for pos, row in answers_of(session, attempt).items() if row.response is not None}


def save_answer(
    session: Session, *, attempt: Attempt, position: int, response: object, now: datetime | None = None
) -> datetime:
    """Store (or replace) the response to one question; when it was saved. Refused once the attempt has ended."""
    now = now or utc_now()
    if attempt.status == AttemptStatus.SUBMITTED:
        raise AttemptFinished()
    if is_overdue(attempt, now):
        raise AttemptTimeUp()
    item = item_at(attempt, position)
    value = clean_response(item, response)
    # One upsert, whatever came first: autosave and the form's own save may arrive together, and the
    # unique key (attempt, position) keeps one row. Select, savepoint and insert cost four round trips,
    # and building the statement per call costs more than running it: it is built once per dialect.
    session.execute(_upsert_answer(session.get_bind().dialect.name), {
        "attempt_id": attempt.id, "position": position, "question_uid": item["uid"], "response": value,
        "saved_at": now,
    })
    return now


@cache
def _upsert_answer(dialect: str) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Answer).values(
        attempt_id=bindparam("attempt_id"), position=bindparam("position"),
        question_uid=bindparam("question_uid"), response=bindparam("response", type_=Answer.response.type),
        saved_at=bindparam("saved_at", type_=Answer.saved_at.type),
    )
    return statement.on_conflict_do_update(
        index_elements=[Answer.attempt_id, Answer.position],
        set_={"response": statement.excluded.response, "saved_at": statement.excluded.saved_at},
    )


def submit_attempt(session: Session, *, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade and close an attempt with its saved answers; submitting again changes nothing."""
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt
    now = now or utc_now()
    ended = now
    if attempt.deadline_at is not None and now > as_utc(attempt.deadline_at) + GRACE:
        # Closed lazily long after time ran out: it ended at the deadline, not when someone looked.
        ended = as_utc(attempt.deadline_at)
    if not _claim(session, attempt, ended):
        session.refresh(attempt)
        return attempt
    campaign = session.get_one(Campaign, attempt.campaign_id)
    _grade_stored(session, attempt, campaign)
    attempt.duration_seconds = max(int((ended - as_utc(attempt.started_at)).total_seconds()), 0)
    attempt.flagged_fast = attempt.duration_seconds < MIN_SECONDS_PER_QUESTION * len(attempt.snapshot)
    session.flush()
    scoring.recompute_counted(session, campaign=campaign, person_id=attempt.person_id)
    return attempt


def _claim(session: Session, attempt: Attempt, ended: datetime) -> bool:
    """Move the row from in progress to submitted; False if another request got there first."""
    result = session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.IN_PROGRESS)
        .values(status=AttemptStatus.SUBMITTED, submitted_at=ended)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return False
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = ended
    return True


def _grade_stored(session: Session, attempt: Attempt, campaign: Campaign) -> None:
    """Grade the saved answers and store each one's fraction in one executemany UPDATE.

    Core, not the ORM: loading twenty Answer objects and flushing them one by one cost more than the
    rest of a submission together.
    """
    table = cast(Table, Answer.__table__)
    rows = session.execute(select(table.c.id, table.c.position, table.c.response)
                           .where(table.c.attempt_id == attempt.id)).all()
    fractions, score, maximum = scoring.grade_responses(attempt.snapshot, {r.position: r.response for r in rows},
                                                        partial_credit=campaign.partial_credit)
    by_position = {item["position"]: fraction for item, fraction in zip(attempt.snapshot, fractions, strict=True)}
    graded = [{"answer_id": r.id, "graded": by_position[r.position]} for r in rows if r.position in by_position]
    if graded:
        session.execute(table.update().where(table.c.id == bindparam("answer_id"))
                        .values(fraction=bindparam("graded")), graded)
    attempt.score = score
    attempt.max_score = maximum
    attempt.passed = score >= campaign.pass_mark


def record_paper_attempt(
    session: Session,
    *,
    campaign: Campaign,
    person: Person,
    responses: dict[int, object],
    recorded_by: AdminUser,
    rng: random.Random,
    snapshot: Sequence[dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> Attempt:
    """A liaison's record of a paper quiz: graded like an online attempt, counted by the same policy.

    `responses` are keyed by 0-based position, in the snapshot's shown option indexes; pass the
    `snapshot` that was printed, or let one be drawn (then print it from `attempt.snapshot`).
    """
    now = now or utc_now()
    if campaign.status == CampaignStatus.DRAFT:
        raise CampaignDraft()
    if attempts_left(session, campaign=campaign, person_id=person.id) <= 0:
        raise AttemptsUsedUp()
    items = [dict(item) for item in snapshot] if snapshot is not None else scoring.draw_snapshot(session, campaign, rng)
    cleaned: dict[int, object] = {}
    for position, raw in responses.items():
        if not 0 <= position < len(items):
            raise QuestionNotFound(f"纸质答卷只有 {len(items)} 题，没有第 {position + 1} 题。")
        value = clean_response(items[position], raw)
        if value is not None:
            cleaned[position] = value
    attempt = Attempt(
        token=new_token(16),
        campaign_id=campaign.id,
        person_id=person.id,
        unit_id=person.unit_id,
        number=_next_number(session, campaign, person.id),
        status=AttemptStatus.SUBMITTED,
        source=AttemptSource.PAPER,
        snapshot=items,
        started_at=now,
        submitted_at=now,
        recorded_by_id=recorded_by.id,
    )
    session.add(attempt)
    session.flush()
    answers = {
        position: Answer(attempt_id=attempt.id, position=position, question_uid=items[position]["uid"],
                         response=value, saved_at=now)
        for position, value in cleaned.items()
    }
    session.add_all(answers.values())
    session.flush()
    # Graded like an online submission, from the stored rows; the rows' fractions change in SQL.
    _grade_stored(session, attempt, campaign)
    for row in answers.values():
        session.expire(row, ["fraction"])
    session.flush()
    scoring.recompute_counted(session, campaign=campaign, person_id=person.id)
    return attempt
