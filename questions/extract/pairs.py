"""`分别` facts: A、B、C分别增长x%、y%、z% — which value belongs to which item."""

from __future__ import annotations

import re
from dataclasses import dataclass

from questions.extract.numbers import NumberFact, find_numbers
from questions.sentences import Sent

_VERB = re.compile(r"分别(?P<verb>[^\d，。；、：“”]{0,5}?)(?=\d)")
_CLAUSE_START = "，。；：！？"


@dataclass(frozen=True)
class PairFact:
    """Items before 分别 and their values after it, in the same order."""

    sent: Sent
    items: tuple[str, ...]
    values: tuple[NumberFact, ...]
    verb: str
    subject_start: int

    def value_of(self, item: str) -> str:
        """The slot text stated for an item."""
        return self.values[self.items.index(item)].slot

    @property
    def end(self) -> int:
        """Where the last value ends."""
        return self.values[-1].end


def find_pairs(sent: Sent) -> list[PairFact]:
    """分别 facts with as many (distinct) values as items; values are slots of one unit."""
    text = sent.text
    numbers = find_numbers(sent)
    found = []
    for match in _VERB.finditer(text):
        start = max(text.rfind(ch, 0, match.start()) for ch in _CLAUSE_START) + 1
        items = tuple(text[start : match.start()].split("、"))
        values: list[NumberFact] = []
        position = match.end()
        for fact in numbers:
            if fact.start == position:
                values.append(fact)
                position = fact.end + 1
                if text[fact.end : fact.end + 1] != "、":
                    break
        if len(items) < 2 or len(values) != len(items) or not all(2 <= len(i) <= 14 for i in items):
            continue
        slots = [v.slot for v in values]
        if len(set(slots)) != len(slots) or len(set(items)) != len(items):
            continue
        if len({(v.unit, v.scale, v.pre, v.mid, v.post) for v in values}) != 1:
            continue
        found.append(PairFact(sent, items, tuple(values), match["verb"], start))
    return found


def pair_tables(text: str) -> list[dict[str, str]]:
    """Item → value tables of every 分别 fact in a text (used to verify keys of pair questions)."""
    sent = Sent(text=text, section="", top="", order=0, glossary=False, target=False)
    return [{i: p.value_of(i) for i in p.items} for p in find_pairs(sent)]
