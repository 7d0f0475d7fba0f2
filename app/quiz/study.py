"""Online study: the report by section, and the reading time a campaign may require."""

from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import questions as qlib
from app.accounts.models import Person
from app.banks.models import Bank, Report
from app.core.timeutil import as_utc, utc_now
from app.quiz.exceptions import StudyRequired, StudySessionNotFound
from app.quiz.models import Campaign, StudySession

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


def begin_study(session: Session, *, campaign: Campaign, person_id: int, now: datetime | None = None) -> StudySession:
    """A new visit to the study page."""
    now = now or utc_now()
    # The unit is recorded with the visit so reports count who studied per unit without joining people;
    # the person is usually in the session already (the page identified them), so this costs no query.
    unit_id = session.get_one(Person, person_id).unit_id
    visit = StudySession(campaign_id=campaign.id, person_id=person_id, unit_id=unit_id, started_at=now,
                         last_seen_at=now, seconds=0)
    session.add(visit)
    session.flush()
    return visit


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
