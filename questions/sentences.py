"""Sentences of a document with their section, and what makes one worth asking about."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from questions.structure import PREFACE, Document, Section
from questions.text import has_placeholder, split_sentences

_HEADING_MARKER = re.compile(
    r"^(?:第[一二三四五六七八九十]+(?:部分|章|篇)|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、])\s*"
)
_LIST_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]是|——|—|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、](?!\d))"
)
_CLAUSE_STOP = "，；：。！？"
_CONNECTIVE = re.compile(
    r"^(?:并且?|而且?|但|且|也|还|又|其中|同时|实际上|从而|进而|以及|即|就是|就要|则|因此|所以|特别是|尤其是|不论是|无论是)"
)
_PREDICATE = re.compile(r"(?:是|就是|将是|也是|既是)")
_PREPOSITION = re.compile(
    r"^(?:不论是|无论是|对于|对(?!外|标|接|冲|称|比|照)|围绕|按照|通过|根据|针对|为了|随着|面对|面向)"
)
_GLOSSARY_HEADING = re.compile("注释|注解|名词|释义|附件|附注")
_TARGET = re.compile("预期目标|主要目标|目标任务是|奋斗目标是")


@dataclass(frozen=True)
class Sent:
    """A sentence with where it sits: its section heading, top-level heading and reading order."""

    text: str
    section: str
    top: str
    order: int
    glossary: bool
    target: bool
    whole: bool = False


@cache
def boilerplate_phrases() -> tuple[str, ...]:
    """Phrases (project data) that mark a sentence as boilerplate."""
    raw = resources.files("questions").joinpath("data/boilerplate.json").read_text("utf-8")
    return tuple(json.loads(raw)["phrases"])


def strip_marker(heading: str) -> str:
    """A heading without its number (一、 （二） 3.)."""
    return _HEADING_MARKER.sub("", heading).strip()


def is_boilerplate(text: str) -> bool:
    """True for salutations, thanks and formulas that no quiz should ask about."""
    return any(phrase in text for phrase in boilerplate_phrases())


def askable(sent: Sent) -> bool:
    """A sentence a question may be built on: real content, no placeholder, not boilerplate."""
    return not has_placeholder(sent.text) and not is_boilerplate(sent.text) and len(sent.text) >= 8


def iter_sentences(document: Document) -> Iterator[Sent]:
    """Every sentence of every section, in reading order."""
    order = 0
    for section in document.sections:
        glossary = _in_glossary(section)
        for paragraph in section.paragraphs:
            target_paragraph = _TARGET.search(paragraph) is not None
            parts = split_sentences(paragraph)
            for text in parts:
                yield Sent(
                    text=text,
                    section=section.heading,
                    top=_top(section),
                    order=order,
                    glossary=glossary,
                    target=target_paragraph,
                    whole=len(parts) == 1,
                )
                order += 1


def _top(section: Section) -> str:
    return section.path[0] if section.path else PREFACE


def _in_glossary(section: Section) -> bool:
    return any(_GLOSSARY_HEADING.search(h) for h in section.path)


def clause_bounds(text: str, start: int, end: int, *, min_chars: int = 10) -> tuple[int, int]:
    """The clause around text[start:end], widened leftwards while it is too short to make sense alone."""
    left = max((text.rfind(ch, 0, start) for ch in _CLAUSE_STOP), default=-1) + 1
    right_positions = [p for p in (text.find(ch, end) for ch in _CLAUSE_STOP) if p != -1]
    right = min(right_positions) if right_positions else len(text)
    # The blank needs a subject before it: "增长（ ）" alone does not say what grew.
    while left > 0 and ((start - left) + (right - end) < min_chars or start - left < 6):
        previous = max((text.rfind(ch, 0, left - 1) for ch in _CLAUSE_STOP), default=-1) + 1
        if text[left - 1] in "。！？；" or previous == left:
            break
        left = previous
    # A clause opening with a connective (并、其中、实际上也是) leans on the one before it.
    for _ in range(2):
        if left == 0 or text[left - 1] in "。！？；：" or not _CONNECTIVE.match(text[left:start]):
            break
        left = max((text.rfind(ch, 0, left - 1) for ch in _CLAUSE_STOP), default=-1) + 1
        # Never open inside a quotation (突出抓招商”，就是…): take the clause the quotation opens in.
        while text[:left].count("“") > text[:left].count("”"):
            left = _clause_start(text, text.rfind("“", 0, left))
    # A clause opening with a preposition (对…等, 围绕…) has its verb after the comma, and a clause
    # followed by ，是… is only the subject of what the sentence says about it.
    opening = text[_clause_start(text, start) : start]
    if (
        right < len(text)
        and text[right] in "，,"
        and (_PREPOSITION.match(opening) or _PREDICATE.match(text, right + 1))
    ):
        following = [p for p in (text.find(ch, right + 1) for ch in _CLAUSE_STOP) if p != -1]
        right = min(following) if following else len(text)
    marker = _LIST_MARKER.match(text[left:start])
    if marker:
        left += marker.end()
    return left, right


def _clause_start(text: str, position: int) -> int:
    return max((text.rfind(ch, 0, position) for ch in _CLAUSE_STOP), default=-1) + 1
