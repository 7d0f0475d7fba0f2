"""The core of an attempt: drawing its questions into a snapshot, grading it, and choosing which
attempt counts under the campaign's score policy. Shared by online and paper attempts.

A snapshot item is a dict, frozen into `attempt.snapshot` when the attempt starts:
    position      0-based order shown
    question_id   question.id (None if the question was later deleted)
    uid           the bank's stable id
    kind          single_choice | multiple_choice | true_false | fill_blank
    stem, evidence, section, explanation
    options       option texts in the order shown (shuffled); [] for true_false / fill_blank
    option_map    shown index → the bank's original option index (for item analysis)
    answer        the key in *shown* indexes: int, sorted list[int], bool, or list[str]
    points        what a fully correct answer is worth
Responses are stored in shown indexes too. The key never leaves the server before submission:
only `public_item()` output goes to pages.
"""

import random
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

import questions as qlib
from app.banks import service as banks_service
from app.banks.models import Bank, Question
from app.quiz.campaigns import KINDS
from app.quiz.exceptions import CampaignInvalid
from app.quiz.models import Campaign, ScorePolicy

PUBLIC_FIELDS = ("position", "kind", "stem", "options", "section", "points")


def draw_snapshot(session: Session, campaign: Campaign, rng: random.Random) -> list[dict[str, Any]]:
    """Draw questions by the campaign's rule, shuffle their order and options, freeze them."""
    bank = session.get_one(Bank, campaign.bank_id)
    by_kind: dict[str, list[Question]] = {kind: [] for kind in KINDS}
    for row in banks_service.active_questions(session, bank):
        by_kind.setdefault(row.kind, []).append(row)
    drawn: list[Question] = []
    for kind in KINDS:
        wanted = int(campaign.draw_rule.get(kind, 0) or 0)
        if wanted > len(by_kind[kind]):
            raise CampaignInvalid("题库中的题目已不够本活动抽题，请联系组织者。")
        drawn += rng.sample(by_kind[kind], wanted)
    if not drawn:
        raise CampaignInvalid("本活动没有可抽取的题目，请联系组织者。")
    # Kinds stay grouped (单选, 多选, 判断, 填空) as on a paper quiz; order within a kind is shuffled.
    points = round(campaign.points_total / len(drawn), 4)
    return [_freeze(row, position, points, rng) for position, row in enumerate(drawn)]


def _freeze(row: Question, position: int, points: float, rng: random.Random) -> dict[str, Any]:
    payload = row.payload
    original: list[str] = list(payload.get("options") or [])
    option_map = list(range(len(original)))
    if row.kind in ("single_choice", "multiple_choice"):
        rng.shuffle(option_map)
    shown_of = {orig: shown for shown, orig in enumerate(option_map)}
    answer: Any = payload.get("answer")
    if row.kind == "single_choice":
        answer = shown_of[int(answer)]
    elif row.kind == "multiple_choice":
        answer = sorted(shown_of[int(a)] for a in answer)
    return {
        "position": position,
        "question_id": row.id,
        "uid": row.uid,
        "kind": row.kind,
        "stem": row.stem,
        "options": [original[i] for i in option_map],
        "option_map": option_map,
        "answer": answer,
        "evidence": payload.get("evidence", ""),
        "section": row.section,
        "explanation": payload.get("explanation", ""),
        "points": points,
    }


def public_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """What a page may show of a snapshot item before submission: no key, no evidence."""
    return {name: item[name] for name in PUBLIC_FIELDS if name in item}


def grade_item(item: Mapping[str, Any], response: object, *, partial_credit: bool) -> float:
    """Fraction earned by a response to one snapshot item."""
    return qlib.grade(item["kind"], item["answer"], response, partial_credit=partial_credit)


def grade_responses(
    snapshot: Sequence[Mapping[str, Any]], responses: Mapping[int, object], *, partial_credit: bool
) -> tuple[list[float], float, float]:
    """Fractions per item, the score and the maximum score, for responses keyed by position."""
    fractions = [grade_item(item, responses.get(item["position"]), partial_credit=partial_credit)
                 for item in snapshot]
    score = sum(f * float(item["points"]) for f, item in zip(fractions, snapshot, strict=True))
    maximum = sum(float(item["points"]) for item in snapshot)
    return fractions, round(score, 2), round(maximum, 2)


class Scored(Protocol):
    @property
    def score(self) -> float | None: ...


S = TypeVar("S", bound=Scored)


def choose_counted(attempts: Sequence[S], policy: ScorePolicy) -> S | None:
    """The attempt a policy counts among submitted attempts in submission order (ties: the earlier)."""
    if not attempts:
        return None
    if policy is ScorePolicy.FIRST:
        return attempts[0]
    if policy is ScorePolicy.LAST:
        return attempts[-1]
    best = attempts[0]
    for attempt in attempts[1:]:
        if (attempt.score or 0) > (best.score or 0):
            best = attempt
    return best
