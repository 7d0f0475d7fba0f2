"""The attempt lifecycle: start or resume, save answers, submit (also at expiry), paper attempts.

Services flush, never commit. Saving and submitting run the Core statements of `live` (the fast routes
run the same ones), which guard on the attempt's status in SQL so double taps, retries and racing
processes save and submit once.
"""

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import AdminUser, Person
from app.core.security import new_token
from app.core.timeutil import as_utc, utc_now
from app.quiz import live, scoring
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

GRACE = live.GRACE
MIN_SECONDS_PER_QUESTION = live.MIN_SECONDS_PER_QUESTION


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
    # The same guarded upsert as autosave: one row per (attempt, position), refused once submitted.
    answered = live.save_if_open(session.connection(), attempt_id=attempt.id, position=position,
                                 question_uid=item["uid"], response=value, now=now)
    if answered is None:
        raise AttemptFinished()
    return now


def facts_of(attempt: Attempt) -> live.AttemptFacts:
    """The frozen facts of a loaded attempt (for the Core statements the fast routes use too)."""
    return live.AttemptFacts(
        id=attempt.id, token=attempt.token, person_id=attempt.person_id, campaign_id=attempt.campaign_id,
        started_at=as_utc(attempt.started_at), snapshot=tuple(attempt.snapshot),
        public_items=tuple(scoring.public_item(item) for item in attempt.snapshot),
    )


def submit_attempt(session: Session, *, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade and close an attempt with its saved answers; submitting again changes nothing."""
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt
    session.flush()
    live.submit_open(session.connection(), facts_of(attempt), now=now or utc_now())
    # Written in SQL: the loaded objects of this person learn the outcome (status, score, counted) anew.
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, Attempt) and loaded.person_id == attempt.person_id:
            session.expire(loaded)
    session.refresh(attempt)
    return attempt


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
    score, maximum = live.grade_stored(session.connection(), attempt_id=attempt.id, snapshot=items,
                                       partial_credit=campaign.partial_credit)
    for row in answers.values():
        session.expire(row, ["fraction"])
    attempt.score = score
    attempt.max_score = maximum
    attempt.passed = score >= campaign.pass_mark
    session.flush()
    live.recompute_counted(session, campaign=campaign, person_id=person.id)
    return attempt
