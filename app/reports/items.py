"""Item analysis per question, after Moodle's quiz statistics: facility, discrimination, option counts.

Only counted attempts of active people in the view take part. The upper and lower groups are the top
and bottom 27% of those attempts by counted score (ties broken by attempt id, so groups have exact
sizes); the discrimination index is the upper group's mean grade on the question minus the lower's.
Sums of fractions come from one SQL aggregate over the answer table; what was shown (and which
original option a shown index means) lives only in each attempt's snapshot, read in batches.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

import questions as qlib
from app.accounts.models import Unit
from app.quiz.campaigns import KINDS
from app.quiz.models import Answer, Attempt, Campaign
from app.reports.scope import counted_filter, filter_root, gone_people, view_root

GROUP_SHARE = 0.27
BATCH = 500
FULL = 1 - 1e-6
TF_LABELS = ("对", "错")


@dataclass
class OptionCount:
    label: str  # A, B, … in the bank's original order; 对 / 错 for true/false
    text: str
    count: int
    is_key: bool


@dataclass
class ItemStats:
    """One question's figures over the view's counted attempts."""

    uid: str
    kind: str
    stem: str
    shown: int = 0
    correct: int = 0
    fraction_sum: float = 0.0
    upper_shown: int = 0
    upper_sum: float = 0.0
    lower_shown: int = 0
    lower_sum: float = 0.0
    options: list[OptionCount] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(qlib.KIND_LABELS.get(qlib.Kind(self.kind), self.kind))

    @property
    def correct_rate(self) -> float | None:
        return self.correct / self.shown if self.shown else None

    @property
    def facility(self) -> float | None:
        """Mean grade (equals the correct rate unless partial credit is on)."""
        return self.fraction_sum / self.shown if self.shown else None

    @property
    def discrimination(self) -> float | None:
        if not (self.upper_shown and self.lower_shown):
            return None
        return self.upper_sum / self.upper_shown - self.lower_sum / self.lower_shown

    @property
    def unpicked(self) -> list[OptionCount]:
        """Distractors nobody chose."""
        return [o for o in self.options if not o.is_key and o.count == 0]

    @property
    def flags(self) -> list[str]:
        out: list[str] = []
        if self.shown and self.correct == 0:
            out.append("无人答对")
        if self.shown and self.correct == self.shown:
            out.append("全部答对")
        d = self.discrimination
        if d is not None and d < 0:
            out.append("区分度为负")
        if self.shown and self.kind in ("single_choice", "multiple_choice") and self.unpicked:
            out.append("干扰项无人选：" + "、".join(o.label for o in self.unpicked))
        return out


@dataclass(frozen=True)
class Groups:
    """Who is in the upper and lower 27%, as SQL conditions on the attempt row."""

    size: int
    upper: ColumnElement[bool]
    lower: ColumnElement[bool]
    upper_key: tuple[float, int]
    lower_key: tuple[float, int]

    def is_upper(self, score: float, attempt_id: int) -> bool:
        s, i = self.upper_key
        return score > s or (score == s and attempt_id <= i)

    def is_lower(self, score: float, attempt_id: int) -> bool:
        s, i = self.lower_key
        return score < s or (score == s and attempt_id >= i)


def _base(campaign: Campaign, root: Unit | None) -> ColumnElement[bool]:
    return and_(counted_filter(campaign, root), Attempt.person_id.not_in(gone_people()))


def _groups(session: Session, where: ColumnElement[bool]) -> Groups | None:
    total = int(session.scalar(select(func.count()).select_from(Attempt).where(where)) or 0)
    size = round(total * GROUP_SHARE)
    if total < 2 or size < 1:
        return None
    top = session.execute(select(Attempt.score, Attempt.id).where(where)
                          .order_by(Attempt.score.desc(), Attempt.id).offset(size - 1).limit(1)).one()
    bottom = session.execute(select(Attempt.score, Attempt.id).where(where)
                             .order_by(Attempt.score, Attempt.id.desc()).offset(size - 1).limit(1)).one()
    su, iu = float(top[0]), int(top[1])
    sl, il = float(bottom[0]), int(bottom[1])
    return Groups(
        size=size,
        upper=or_(Attempt.score > su, and_(Attempt.score == su, Attempt.id <= iu)),
        lower=or_(Attempt.score < sl, and_(Attempt.score == sl, Attempt.id >= il)),
        upper_key=(su, iu),
        lower_key=(sl, il),
    )


def item_analysis(session: Session, campaign: Campaign, *, within: Unit | None = None) -> list[ItemStats]:
    """Figures for every question shown in the view's counted attempts, in the bank's kind order."""
    root = filter_root(session, view_root(session, campaign, within))
    where = _base(campaign, root)
    groups = _groups(session, where)
    stats: dict[str, ItemStats] = {}
    option_counts: dict[str, list[int]] = {}

    for attempt_id, score, snapshot, responses in _attempts_with_responses(session, where):
        upper = groups.is_upper(float(score), attempt_id) if groups else False
        lower = groups.is_lower(float(score), attempt_id) if groups else False
        for item in snapshot:
            uid = str(item["uid"])
            st = stats.get(uid)
            if st is None:
                st = stats[uid] = ItemStats(uid=uid, kind=str(item["kind"]), stem=str(item["stem"]),
                                            options=_option_slots(item))
                option_counts[uid] = [0] * len(st.options)
            st.shown += 1
            st.upper_shown += upper
            st.lower_shown += lower
            _count_choice(item, responses.get(int(item["position"])), option_counts[uid])

    fraction = func.coalesce(Answer.fraction, 0.0)
    columns = [Answer.question_uid, func.sum(fraction), func.sum(case((Answer.fraction >= FULL, 1), else_=0))]
    if groups:
        columns += [func.sum(case((groups.upper, fraction), else_=0.0)),
                    func.sum(case((groups.lower, fraction), else_=0.0))]
    for row in session.execute(select(*columns).join(Attempt, Attempt.id == Answer.attempt_id)
                               .where(where).group_by(Answer.question_uid)):
        st = stats.get(row[0])
        if st is None:
            continue
        st.fraction_sum, st.correct = float(row[1] or 0), int(row[2] or 0)
        if groups:
            st.upper_sum, st.lower_sum = float(row[3] or 0), float(row[4] or 0)

    for uid, st in stats.items():
        for slot, n in zip(st.options, option_counts[uid], strict=True):
            slot.count = n
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(stats.values(), key=lambda s: (order.get(s.kind, 9), s.uid))


def _attempts_with_responses(
    session: Session, where: ColumnElement[bool]
) -> Iterator[tuple[int, float, list[dict[str, Any]], dict[int, Any]]]:
    """Counted attempts with their snapshot and responses by position, in batches of BATCH."""
    last_id = 0
    while True:
        batch = list(session.execute(
            select(Attempt.id, Attempt.score, Attempt.snapshot).where(where, Attempt.id > last_id)
            .order_by(Attempt.id).limit(BATCH)
        ))
        if not batch:
            return
        last_id = batch[-1][0]
        responses: dict[int, dict[int, Any]] = defaultdict(dict)
        for attempt_id, position, response in session.execute(
            select(Answer.attempt_id, Answer.position, Answer.response)
            .where(Answer.attempt_id.in_([row[0] for row in batch]))
        ):
            responses[attempt_id][position] = response
        for attempt_id, score, snapshot in batch:
            yield attempt_id, score, list(snapshot or []), responses.get(attempt_id, {})


def _option_slots(item: dict[str, Any]) -> list[OptionCount]:
    kind = item["kind"]
    if kind == "true_false":
        key = item.get("answer")
        return [OptionCount("对", "正确", 0, key is True), OptionCount("错", "错误", 0, key is False)]
    if kind not in ("single_choice", "multiple_choice"):
        return []
    shown: list[str] = list(item.get("options") or [])
    option_map: list[int] = list(item.get("option_map") or range(len(shown)))
    original = [""] * len(shown)
    for shown_index, original_index in enumerate(option_map):
        original[original_index] = shown[shown_index]
    answer: Any = item.get("answer")
    keys = {option_map[int(answer)]} if kind == "single_choice" else {option_map[int(a)] for a in answer or []}
    return [OptionCount(chr(ord("A") + i), text, 0, i in keys) for i, text in enumerate(original)]


def _count_choice(item: dict[str, Any], response: Any, counts: list[int]) -> None:
    """Add a response to its original options' tallies (shown indexes mapped back via option_map)."""
    kind = item["kind"]
    if response is None:
        return
    if kind == "true_false":
        if isinstance(response, bool):
            counts[0 if response else 1] += 1
        return
    if kind not in ("single_choice", "multiple_choice"):
        return
    option_map: list[int] = list(item.get("option_map") or range(len(counts)))
    chosen = response if isinstance(response, list) else [response]
    for shown_index in chosen:
        if isinstance(shown_index, int) and not isinstance(shown_index, bool) and 0 <= shown_index < len(option_map):
            counts[option_map[shown_index]] += 1
