"""Paper attempts recorded by a liaison: graded like online ones, limited and counted the same way."""

import random

import pytest
from sqlalchemy.orm import Session

from app.accounts.models import Person
from app.quiz import service
from app.quiz.exceptions import AttemptsUsedUp
from app.quiz.models import AttemptSource, AttemptStatus, ScorePolicy
from tests.quiz.conftest import MakeCampaign
from tests.support import factories


def _all_correct(snapshot: list[dict[str, object]]) -> dict[int, object]:
    return {int(item["position"]): item["answer"] for item in snapshot}  # type: ignore[call-overload]


def test_paper_attempt_is_graded_marked_paper_and_counted(session: Session, make_campaign: MakeCampaign,
                                                          employee: Person) -> None:
    campaign = make_campaign()
    liaison = factories.admin(session, "paper-liaison")
    drawn = service.scoring.draw_snapshot(session, campaign, random.Random(3))
    responses = _all_correct(drawn)
    responses[0] = None  # one left blank on paper
    attempt = service.record_paper_attempt(session, campaign=campaign, person=employee, responses=responses,
                                           recorded_by=liaison, rng=random.Random(1), snapshot=drawn)
    assert attempt.source == AttemptSource.PAPER
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.recorded_by_id == liaison.id
    assert attempt.unit_id == employee.unit_id
    assert attempt.counted is True
    per_item = 100 / len(drawn)
    assert attempt.score == pytest.approx(100 - per_item, abs=0.01)
    assert attempt.passed is True


def test_paper_attempt_draws_a_snapshot_when_none_is_given(session: Session, make_campaign: MakeCampaign,
                                                           employee: Person) -> None:
    campaign = make_campaign()
    liaison = factories.admin(session, "paper-liaison")
    attempt = service.record_paper_attempt(session, campaign=campaign, person=employee, responses={},
                                           recorded_by=liaison, rng=random.Random(5))
    assert len(attempt.snapshot) == 8
    assert attempt.score == 0
    assert attempt.passed is False


def test_paper_attempt_respects_the_attempt_limit_and_score_policy(session: Session, make_campaign: MakeCampaign,
                                                                   employee: Person) -> None:
    campaign = make_campaign(max_attempts=2, score_policy=ScorePolicy.LAST)
    liaison = factories.admin(session, "paper-liaison")
    rng = random.Random(9)
    first_snapshot = service.scoring.draw_snapshot(session, campaign, rng)
    first = service.record_paper_attempt(session, campaign=campaign, person=employee,
                                         responses=_all_correct(first_snapshot), recorded_by=liaison, rng=rng,
                                         snapshot=first_snapshot)
    second = service.record_paper_attempt(session, campaign=campaign, person=employee, responses={},
                                          recorded_by=liaison, rng=rng)
    session.refresh(first)
    assert (first.counted, second.counted) == (False, True)
    assert second.number == 2
    with pytest.raises(AttemptsUsedUp):
        service.record_paper_attempt(session, campaign=campaign, person=employee, responses={},
                                     recorded_by=liaison, rng=rng)
