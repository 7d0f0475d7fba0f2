"""From→to facts (由21%提升至74%, 从75%提高到100%): two values of one quantity and the direction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from questions.extract.numbers import NumberFact, find_numbers
from questions.sentences import Sent

UP_VERBS = "提高|提升|增加|增长|扩大|上升|升"
DOWN_VERBS = "下降|降低|减少|压减|缩减|缩小|收窄|降"
_BETWEEN = re.compile(f"^(?P<verb>{UP_VERBS}|{DOWN_VERBS})(?:到|至)$")


@dataclass(frozen=True)
class ChangeFact:
    """`old` changed to `new`; direction +1 for a rise, -1 for a fall."""

    sent: Sent
    old: NumberFact
    new: NumberFact
    direction: int

    def limits(self, asked: NumberFact) -> tuple[float | None, float | None]:
        """(low, high) exclusive bounds a stand-in for `asked` must keep to stay consistent."""
        other = self.new if asked is self.old else self.old
        rising = (self.direction > 0) == (asked is self.new)
        return (other.value, None) if rising else (None, other.value)


def find_changes(sent: Sent) -> list[ChangeFact]:
    """由X…至Y / 从X…到Y pairs whose two values share a unit and move the way the verb says."""
    facts = find_numbers(sent)
    found = []
    for old, new in pairwise(facts):
        between = _BETWEEN.match(sent.text[old.end : new.start])
        if between is None or not sent.text[: old.start].endswith(("由", "从")):
            continue
        if old.unit != new.unit or old.scale != new.scale or old.chinese or new.chinese:
            continue
        direction = -1 if re.fullmatch(DOWN_VERBS, between["verb"]) else 1
        if (new.value - old.value) * direction <= 0:
            continue
        found.append(ChangeFact(sent, _plain(old), _plain(new), direction))
    return found


def _plain(fact: NumberFact) -> NumberFact:
    # In a from→to fact neither value is a bound: 降至5% states the new value, it does not cap it.
    return NumberFact(**{**fact.__dict__, "verb_bound": 0})
