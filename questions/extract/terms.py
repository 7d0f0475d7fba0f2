"""Quoted terms and slogans (“放管服”, “两个确立”) and glossary notes that define them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from questions.sentences import Sent
from questions.text import has_placeholder

_QUOTED = re.compile(r"“([^“”，。；：！？、\s]{2,10})”")
_NUMBERED = re.compile(r"^[一二两三四五六七八九十百千万\d]")
# Glossary notes: ［12］“45432”发展架构：… or 3.“四融一共”和美乡村：…
_NOTE = re.compile(r"^(?:[［\[]\d{1,3}[］\]]|\d{1,3}[.．、]\s*)(?P<term>[^：:。]{1,30})[：:](?P<definition>.+)$")


@dataclass(frozen=True)
class TermFact:
    """A quoted term; `sent.text[start:end]` is the term without its quotes."""

    sent: Sent
    start: int
    end: int

    @property
    def term(self) -> str:
        """The term as written."""
        return self.sent.text[self.start : self.end]

    @property
    def numbered(self) -> bool:
        """True for numbered slogans (六稳, 两个毫不动摇)."""
        return _NUMBERED.match(self.term) is not None


@dataclass(frozen=True)
class NoteFact:
    """A glossary note: a term and its definition, both verbatim in `sent.text`."""

    sent: Sent
    term: str
    definition: str
    items: tuple[str, ...]


def find_terms(sent: Sent) -> list[TermFact]:
    """Quoted terms of 2–10 characters without punctuation or placeholders."""
    facts = []
    for match in _QUOTED.finditer(sent.text):
        term = match.group(1)
        if has_placeholder(term) or not re.search("[\u4e00-\u9fff]", term):
            continue
        facts.append(TermFact(sent, match.start(1), match.end(1)))
    return facts


def find_note(sent: Sent) -> NoteFact | None:
    """The glossary note the sentence states, if it is one (only inside a notes section)."""
    if not sent.glossary or not sent.whole:
        return None
    match = _NOTE.match(sent.text)
    if match is None:
        return None
    term = match["term"].strip()
    definition = match["definition"].strip().rstrip("。；")
    if has_placeholder(term + definition) or len(definition) < 4:
        return None
    items = tuple(i for i in re.split("[、，]", definition) if i) if "、" in definition else ()
    return NoteFact(sent, term, definition, items)


def bare_term(term: str) -> str:
    """A glossary term without quotes (“两新” → 两新)."""
    return term.replace("“", "").replace("”", "")


@dataclass(frozen=True)
class NoteItems:
    """A glossary note whose definition is a plain list (四库：水库、粮库、钱库、碳库): one item is asked."""

    note: NoteFact


def note_items(note: NoteFact) -> NoteItems | None:
    """The note as a list of like items, if its definition is nothing but 顿号-separated items."""
    items = note.items
    if len(items) < 3 or "、".join(items) != note.definition or len(set(items)) != len(items):
        return None
    if not all(2 <= len(i) <= 12 for i in items) or max(map(len, items)) > 2 * min(map(len, items)) + 2:
        return None
    if any(a != b and a in b for a in items for b in items):
        return None
    return NoteItems(note)
