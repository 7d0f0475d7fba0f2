"""After every load run: what the database holds against what the server acknowledged.

Acknowledged = durable: every autosave answered 200 must be a row in `answer` (with the value sent, where
the load generator knows it), every submit answered 303 must be a submitted attempt whose score is the
grade of its stored answers; no (attempt, position) twice, no person with two open or two counted attempts.
A run with any failure here is a failed run, whatever its speed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app.quiz import scoring
from app.quiz.models import Answer, Attempt, AttemptStatus, Campaign, StudySession

SCORE_TOLERANCE = 1e-6


def _engine(url: str) -> Any:
    from seed import sqlalchemy_url

    return create_engine(sqlalchemy_url(url))


def _duplicates(session: Session, attempt_ids: Iterable[int]) -> int:
    ids = list(attempt_ids)
    dup = 0
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        dup += len(session.execute(
            select(Answer.attempt_id, Answer.position).where(Answer.attempt_id.in_(chunk))
            .group_by(Answer.attempt_id, Answer.position).having(func.count() > 1)
        ).all())
    return dup


def _answers(session: Session, attempt_ids: list[int]) -> dict[int, dict[int, Answer]]:
    out: dict[int, dict[int, Answer]] = {}
    for start in range(0, len(attempt_ids), 5000):
        for row in session.scalars(select(Answer).where(Answer.attempt_id.in_(attempt_ids[start:start + 5000]))):
            out.setdefault(row.attempt_id, {})[row.position] = row
    return out


def _score_problems(session: Session, attempts: list[Attempt], answers: dict[int, dict[int, Answer]],
                    campaign: Campaign) -> list[str]:
    problems = []
    for attempt in attempts:
        rows = answers.get(attempt.id, {})
        _fractions, score, _max = scoring.grade_responses(
            attempt.snapshot, {p: a.response for p, a in rows.items()}, partial_credit=campaign.partial_credit)
        if attempt.score is None or abs(attempt.score - score) > SCORE_TOLERANCE:
            problems.append(f"attempt {attempt.token}: stored score {attempt.score}, answers grade to {score}")
        if any(a.fraction is None for a in rows.values()):
            problems.append(f"attempt {attempt.token}: an answer has no fraction after submission")
    return problems


def _per_person_uniques(session: Session, campaign_id: int) -> list[str]:
    problems = []
    for label, condition in (("open", Attempt.status == AttemptStatus.IN_PROGRESS), ("counted", Attempt.counted)):
        twice = session.execute(
            select(Attempt.person_id).where(Attempt.campaign_id == campaign_id, condition)
            .group_by(Attempt.person_id).having(func.count() > 1)
        ).all()
        if twice:
            problems.append(f"{len(twice)} people have more than one {label} attempt")
    return problems


def check_flow(url: str, slug: str, outcome: dict[str, Any]) -> dict[str, Any]:
    """The scenario: every acknowledged answer stored with its value, every acknowledged submit graded."""
    acked_answers: dict[str, dict[int, object]] = outcome["acked_answers"]
    acked_submits: set[str] = set(outcome["acked_submits"])
    engine = _engine(url)
    problems: list[str] = []
    with Session(engine) as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        attempts = {a.token: a for a in session.scalars(select(Attempt).where(Attempt.campaign_id == campaign.id))}
        ids = [a.id for a in attempts.values()]
        answers = _answers(session, ids)
        lost = wrong = 0
        for token, acked in acked_answers.items():
            attempt = attempts.get(token)
            stored = answers.get(attempt.id, {}) if attempt else {}
            for position, value in acked.items():
                row = stored.get(int(position))
                if row is None:
                    lost += 1
                elif row.response != value:
                    wrong += 1
        if lost:
            problems.append(f"{lost} acknowledged answers are not in the database")
        if wrong:
            problems.append(f"{wrong} stored answers differ from what was acknowledged")
        duplicates = _duplicates(session, ids)
        if duplicates:
            problems.append(f"{duplicates} (attempt, position) pairs stored twice")
        not_submitted = [t for t in acked_submits if t not in attempts or attempts[t].status != AttemptStatus.SUBMITTED]
        if not_submitted:
            problems.append(f"{len(not_submitted)} acknowledged submits are not submitted attempts")
        submitted = [attempts[t] for t in acked_submits if t in attempts]
        problems += _score_problems(session, submitted, answers, campaign)[:20]
        problems += _per_person_uniques(session, campaign.id)
        uncounted = sum(1 for a in submitted if not a.counted)
        if uncounted:
            problems.append(f"{uncounted} submitted attempts (one per person) are not counted")
        summary = {
            "acked_answers": sum(len(v) for v in acked_answers.values()),
            "stored_answers": sum(len(v) for v in answers.values()),
            "acked_submits": len(acked_submits),
            "submitted_attempts": sum(1 for a in attempts.values() if a.status == AttemptStatus.SUBMITTED),
        }
    engine.dispose()
    return {"ok": not problems, "problems": problems, **summary}


def check_autosave_pool(url: str, attempt_ids: list[int], run: Any) -> dict[str, Any]:
    """wrk autosave: each request a fresh (attempt, position) pair, so stored rows ≥ acknowledged, ≤ issued.

    wrk cannot tell which request an answer belongs to, so the check counts: at most the requests still in
    flight when wrk stopped (≤ connections) can be stored without an acknowledgement.
    """
    engine = _engine(url)
    problems: list[str] = []
    with Session(engine) as session:
        stored = 0
        for start in range(0, len(attempt_ids), 5000):
            stored += session.scalar(select(func.count()).select_from(Answer)
                                     .where(Answer.attempt_id.in_(attempt_ids[start:start + 5000]))) or 0
        duplicates = _duplicates(session, attempt_ids)
    engine.dispose()
    acked = run.requests - run.non_2xx
    if run.wrapped:
        problems.append(f"the pool wrapped {run.wrapped} times: enlarge it")
    if run.non_2xx or run.errors:
        problems.append(f"{run.non_2xx} non-2xx responses and {run.errors} socket errors")
    if stored < acked:
        problems.append(f"{acked - stored} acknowledged answers are not in the database")
    if stored > run.issued:
        problems.append(f"{stored - run.issued} answers stored that were never sent")
    if duplicates:
        problems.append(f"{duplicates} (attempt, position) pairs stored twice")
    return {"ok": not problems, "problems": problems, "acked": acked, "stored": stored, "issued": run.issued}


def check_submit_pool(url: str, slug: str, attempt_ids: list[int], run: Any) -> dict[str, Any]:
    """wrk submit: each request a different attempt; submitted ≥ acknowledged, each graded from its answers."""
    engine = _engine(url)
    problems: list[str] = []
    with Session(engine) as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        submitted: list[Attempt] = []
        for start in range(0, len(attempt_ids), 5000):
            submitted += session.scalars(select(Attempt).where(
                Attempt.id.in_(attempt_ids[start:start + 5000]), Attempt.status == AttemptStatus.SUBMITTED))
        answers = _answers(session, [a.id for a in submitted])
        problems += _score_problems(session, submitted, answers, campaign)[:20]
        problems += _per_person_uniques(session, campaign.id)
        uncounted = sum(1 for a in submitted if not a.counted)
    engine.dispose()
    acked = run.requests - run.non_2xx
    if uncounted:
        problems.append(f"{uncounted} submitted attempts are not counted")
    if run.wrapped:
        problems.append(f"the pool wrapped {run.wrapped} times: enlarge it")
    if run.non_2xx or run.errors:
        problems.append(f"{run.non_2xx} non-2xx responses and {run.errors} socket errors")
    if len(submitted) < acked:
        problems.append(f"{acked - len(submitted)} acknowledged submits are not submitted")
    if len(submitted) > run.issued:
        problems.append(f"{len(submitted) - run.issued} attempts submitted that were never sent")
    return {"ok": not problems, "problems": problems, "acked": acked, "stored": len(submitted), "issued": run.issued}


def check_study(url: str, before: int, run: Any) -> dict[str, Any]:
    """wrk study page: every page served opened a study session."""
    engine = _engine(url)
    with Session(engine) as session:
        rows = session.scalar(select(func.count()).select_from(StudySession)) or 0
    engine.dispose()
    acked = run.requests - run.non_2xx
    problems = []
    if run.non_2xx or run.errors:
        problems.append(f"{run.non_2xx} non-2xx responses and {run.errors} socket errors")
    if rows - before < acked:
        problems.append(f"{acked - (rows - before)} study pages served without their study session stored")
    return {"ok": not problems, "problems": problems, "acked": acked, "stored": rows - before}


def study_rows(url: str) -> int:
    engine = _engine(url)
    with Session(engine) as session:
        rows = session.scalar(select(func.count()).select_from(StudySession)) or 0
    engine.dispose()
    return int(rows)
