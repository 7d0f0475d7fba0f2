"""Online study: the report by section, and the reading time a campaign may require."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import cast

from sqlalchemy import Connection, Table, bindparam, func, insert, select
from sqlalchemy.orm import Session

import questions as qlib
from app.accounts.models import Person
from app.banks.models import Bank, Report
from app.core.timeutil import as_utc, utc_now
from app.quiz.exceptions import StudyRequired, StudySessionNotFound
from app.quiz.live import attempt_table
from app.quiz.models import AttemptStatus, Campaign, StudySession

# The page pings every 30 s while it is visible; a longer gap means the phone slept, not that anyone read.
HEARTBEAT_CAP = timedelta(seconds=90)
# Without JavaScript the only signal is the time between opening the page and pressing "start".
FALLBACK_CAP = timedelta(hours=1)


def campaign_report(session: Session, campaign: Campaign) -> Report | None:
    """The report the campaign's bank was made from, if it is stored."""
    bank = session.get_one(Bank, campaign.bank_id)
    return session.get(Report, bank.report_id) if bank.report_id else None


def report_document(report: Report) -> qlib.Document:
    """The report's sections for reading."""
    return _parsed(report.text)


@lru_cache(maxsize=8)
def _parsed(text: str) -> qlib.Document:
    # Every study visit shows the same few reports: parsing one costs more than the rest of the page.
    # The cached Document is shared between requests, which only read it.
    return qlib.parse_document(text)


def find_visit(session: Session, *, visit_id: int, campaign: Campaign, person_id: int) -> StudySession | None:
    """A study visit of this person and campaign, if it is theirs."""
    visit = session.get(StudySession, visit_id)
    if visit is None or visit.campaign_id != campaign.id or visit.person_id != person_id:
        return None
    return visit


def get_visit(session: Session, *, visit_id: int, campaign: Campaign, person_id: int) -> StudySession:
    """A study visit of this person and campaign."""
    visit = find_visit(session, visit_id=visit_id, campaign=campaign, person_id=person_id)
    if visit is None:
        raise StudySessionNotFound()
    return visit


def record_reading(session: Session, visit: StudySession, *, cap: timedelta = HEARTBEAT_CAP,
                   now: datetime | None = None) -> int:
    """Credit the time since the visit was last seen (at most `cap`); the visit's seconds so far."""
    now = now or utc_now()
    gap = now - as_utc(visit.last_seen_at)
    credited = min(max(gap, timedelta(0)), cap)
    visit.seconds += int(credited.total_seconds())
    visit.last_seen_at = now
    session.flush()
    return visit.seconds


def studied_seconds(session: Session, *, campaign: Campaign, person_id: int) -> int:
    """All reading time a person has for a campaign."""
    total = session.scalar(
        select(func.coalesce(func.sum(StudySession.seconds), 0)).where(
            StudySession.campaign_id == campaign.id, StudySession.person_id == person_id
        )
    )
    return int(total or 0)


def seconds_still_required(session: Session, *, campaign: Campaign, person_id: int) -> int:
    """How much more reading the campaign asks of this person before the quiz (0 when done)."""
    if campaign.study_seconds_required <= 0:
        return 0
    return max(campaign.study_seconds_required - studied_seconds(session, campaign=campaign, person_id=person_id), 0)


def check_studied(session: Session, *, campaign: Campaign, person_id: int) -> None:
    """Refuse the quiz until the required reading time is reached."""
    left = seconds_still_required(session, campaign=campaign, person_id=person_id)
    if left > 0:
        minutes = (left + 59) // 60
        raise StudyRequired(f"本活动要求先在线学习报告，您还需要学习约 {minutes} 分钟才能开始答题。")


# The study page is the second busiest page (everyone opens it before the quiz): its reads and its one
# write are Core statements built once, like the quiz's (app/quiz/live.py).
_study = cast(Table, StudySession.__table__)
_campaign = cast(Table, Campaign.__table__)
_person = cast(Table, Person.__table__)
_report = cast(Table, Report.__table__)
_bank = cast(Table, Bank.__table__)

_CAMPAIGN_BY_SLUG = select(_campaign).where(_campaign.c.slug == bindparam("slug"))
_ACTIVE_PERSON = select(_person.c.unit_id).where(_person.c.id == bindparam("person_id"), _person.c.active)
_ATTEMPTS = select(attempt_table.c.token, attempt_table.c.status, attempt_table.c.deadline_at).where(
    attempt_table.c.campaign_id == bindparam("campaign_id"), attempt_table.c.person_id == bindparam("person_id"))
_STUDIED = select(func.coalesce(func.sum(_study.c.seconds), 0)).where(
    _study.c.campaign_id == bindparam("campaign_id"), _study.c.person_id == bindparam("person_id"))
_REPORT_OF_BANK = (select(_report.c.id, _report.c.title, _report.c.sha256)
                   .select_from(_bank.join(_report, _report.c.id == _bank.c.report_id))
                   .where(_bank.c.id == bindparam("bank_id")))
_REPORT_TEXT = select(_report.c.text).where(_report.c.id == bindparam("report_id"))
_OPEN_VISIT = insert(_study).returning(_study.c.id)


def find_campaign(connection: Connection, slug: str) -> Campaign | None:
    """The campaign behind a link, as a detached object (read, never saved through a session)."""
    row = connection.execute(_CAMPAIGN_BY_SLUG, {"slug": slug}).mappings().first()
    return Campaign(**row) if row is not None else None


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a person stands before the quiz: their unit, the open attempt, attempts used, reading so far."""

    unit_id: int
    open_token: str | None
    open_deadline: datetime | None
    used: int
    studied: int


def standing(connection: Connection, *, campaign_id: int, person_id: int) -> Standing | None:
    """The person's standing in a campaign; None if they are not (or no longer) on the roster."""
    unit_id = connection.execute(_ACTIVE_PERSON, {"person_id": person_id}).scalar()
    if unit_id is None:
        return None
    keys = {"campaign_id": campaign_id, "person_id": person_id}
    attempts = connection.execute(_ATTEMPTS, keys).all()
    current = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
    return Standing(
        unit_id=int(unit_id), open_token=current.token if current else None,
        open_deadline=as_utc(current.deadline_at) if current and current.deadline_at else None,
        used=len(attempts), studied=int(connection.execute(_STUDIED, keys).scalar_one()),
    )


def open_visit(connection: Connection, *, campaign_id: int, person_id: int, unit_id: int, now: datetime) -> int:
    """Record a new visit to the study page, with the person's unit at the time (reports count by it); its id."""
    return int(connection.execute(_OPEN_VISIT, {
        "campaign_id": campaign_id, "person_id": person_id, "unit_id": unit_id, "started_at": now,
        "last_seen_at": now, "seconds": 0,
    }).scalar_one())


@dataclass(frozen=True, slots=True)
class ReportRef:
    """Which report a bank was made from (its text is immutable: the hash names it)."""

    id: int
    title: str
    sha256: str


def report_of_bank(connection: Connection, bank_id: int) -> ReportRef | None:
    """The report a bank was generated from, without its text."""
    row = connection.execute(_REPORT_OF_BANK, {"bank_id": bank_id}).first()
    return ReportRef(id=row.id, title=row.title, sha256=row.sha256) if row is not None else None


def report_text(connection: Connection, report_id: int) -> str:
    """A report's full text."""
    return str(connection.execute(_REPORT_TEXT, {"report_id": report_id}).scalar_one())


def parse_report(text: str) -> qlib.Document:
    """A report's sections for reading (parsed once per process)."""
    return _parsed(text)
