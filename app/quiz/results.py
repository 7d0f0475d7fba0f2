"""What a result page may show of a submitted attempt, under the campaign's show-answers rule."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.quiz import scoring
from app.quiz.exceptions import AttemptFinished
from app.quiz.models import Attempt, AttemptStatus, Campaign, ShowAnswers
from app.quiz.service import Window, answers_of, window


def answers_visible(campaign: Campaign, now: datetime | None = None) -> bool:
    """Whether results may show the keys and evidence (to a person whose attempt is submitted)."""
    policy = ShowAnswers(campaign.show_answers)
    if policy is ShowAnswers.AFTER_SUBMIT:
        return True
    if policy is ShowAnswers.AFTER_CLOSE:
        return window(campaign, now) is Window.CLOSED
    return False


@dataclass(frozen=True)
class ResultItem:
    """One question of a submitted attempt as the result page shows it."""

    item: dict[str, Any]
    response: object
    fraction: float
    reveal: bool

    @property
    def correct(self) -> bool:
        return self.fraction >= 1.0


def result_items(session: Session, attempt: Attempt, *, reveal: bool) -> list[ResultItem]:
    """The questions of a submitted attempt with the chosen answers; keys only when `reveal`."""
    if attempt.status != AttemptStatus.SUBMITTED:
        raise AttemptFinished("这次答题还没有交卷。")
    answers = answers_of(session, attempt)
    shown: list[ResultItem] = []
    for item in attempt.snapshot:
        row = answers.get(item["position"])
        public = dict(item) if reveal else scoring.public_item(item)
        shown.append(ResultItem(item=public, response=row.response if row else None,
                                fraction=(row.fraction or 0.0) if row else 0.0, reveal=reveal))
    return shown
