"""Enumerations written with 顿号 (铁路、公路、航空等) whose items a multiple-choice question can ask."""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from questions.segment import boundaries
from questions.sentences import Sent
from questions.text import has_placeholder

_CLAUSE = re.compile(r"[^，；：。！？（）()]+")
_MAX_ITEM = 8
# A first item that starts with a verb (做好洪涝干旱) has taken the clause's predicate with it.
# A preposition may stand before the verb (通过加强森林抚育): both are trimmed.
_LEADING_VERB = re.compile(
    r"^(?:(?:通过|依托|利用|借助|经过|着力)?(?:做好|加强|推进|推动|实施|支持|开展|建设|发展|提升|提高|促进|深化|完善|加快|强化|优化|落实|坚持|扩大|办好|抓好|"
    r"保障|培育|打造|加大|聚焦|围绕|包括|涵盖|覆盖))"
)
_BAD_ITEM = re.compile(r"[“”\s]|^[的和及与等不没要把对将被使让搞打]|[的和及与]$")


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
    if first_start is not None:
        verb = _LEADING_VERB.match(sent.text[first_start:first_end])
        if verb and first_end - first_start - verb.end() >= 2:
            first_start += verb.end()
    last_start = first_end + 1 + sum(len(p) + 1 for p in middle)
    # Only a list closed by 等 is surely one family of like items; open clauses are often verb phrases.
    stop = parts[-1].find("等")
    if not 2 <= stop <= _MAX_ITEM:
        return None
    last_end = last_start + stop
    if first_start is None or last_end not in cuts or re.search(r"[0-9A-Za-z]$", sent.text[:first_start]):
        return None
    spans = [(first_start, first_end)]
    position = first_end + 1
    for part in middle:
        spans.append((position, position + len(part)))
        position += len(part) + 1
    spans.append((last_start, last_end))
    items = [sent.text[a:b] for a, b in spans]
    if any(_BAD_ITEM.search(i) or _LEADING_VERB.match(i) or has_placeholder(i) for i in items):
        return None
    if len(set(items)) != len(items):
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
