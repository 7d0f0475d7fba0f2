"""Enumerations written with 顿号 (铁路、公路、航空等) whose items a multiple-choice question can ask."""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from questions.segment import boundaries
from questions.sentences import Sent
from questions.text import has_placeholder

_CLAUSE = re.compile(r"[^，；：。！？（）()]+")
_MAX_ITEM = 10
_BAD_ITEM = re.compile(r"[“”\s]|^[的和及与等]|[的和及与]$")


@dataclass(frozen=True)
class ListFact:
    """Three or more items of one enumeration, each a (start, end) span of `sent.text`."""

    sent: Sent
    spans: tuple[tuple[int, int], ...]

    @property
    def items(self) -> tuple[str, ...]:
        """The items as written."""
        return tuple(self.sent.text[a:b] for a, b in self.spans)

    @property
    def start(self) -> int:
        """Where the first item begins."""
        return self.spans[0][0]

    @property
    def end(self) -> int:
        """Where the last item ends."""
        return self.spans[-1][1]


def _closest_cut(cuts: list[int], target: int) -> int | None:
    return min(cuts, key=lambda c: (abs(c - target), c)) if cuts else None


def _list_in_clause(sent: Sent, offset: int, clause: str) -> ListFact | None:
    parts = clause.split("、")
    if len(parts) < 3 or any(not p for p in parts):
        return None
    middle = parts[1:-1]
    if any(len(p) > _MAX_ITEM or len(p) < 2 for p in middle):
        return None
    size = median(len(p) for p in middle)
    cuts = boundaries(sent.text)
    first_end = offset + len(parts[0])
    first_cuts = [c for c in cuts if first_end - _MAX_ITEM <= c <= first_end - 2 and c >= offset]
    first_start = _closest_cut(first_cuts, first_end - round(size))
    last_start = first_end + 1 + sum(len(p) + 1 for p in middle)
    tail = parts[-1]
    stop = tail.find("等")
    if 2 <= stop <= _MAX_ITEM:
        last_end: int | None = last_start + stop
    elif len(tail) <= _MAX_ITEM:
        last_end = last_start + len(tail)
    else:
        last_cuts = [c for c in cuts if last_start + 2 <= c <= last_start + _MAX_ITEM]
        last_end = _closest_cut(last_cuts, last_start + round(size))
    if first_start is None or last_end is None or last_end not in cuts:
        return None
    spans = [(first_start, first_end)]
    position = first_end + 1
    for part in middle:
        spans.append((position, position + len(part)))
        position += len(part) + 1
    spans.append((last_start, last_end))
    items = [sent.text[a:b] for a, b in spans]
    if any(_BAD_ITEM.search(i) or has_placeholder(i) for i in items) or len(set(items)) != len(items):
        return None
    if max(len(i) for i in items) > 2 * min(len(i) for i in items) + 2:
        return None  # items of very different length are rarely one family
    return ListFact(sent, tuple(spans))


def find_lists(sent: Sent) -> list[ListFact]:
    """Enumerations of three or more short items in the sentence."""
    facts = []
    for match in _CLAUSE.finditer(sent.text):
        fact = _list_in_clause(sent, match.start(), match.group())
        if fact is not None:
            facts.append(fact)
    return facts
