"""Enumerations that span sentences: 一是…二是…, ——bullets and （一）（二） item headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from questions.sentences import Sent
from questions.structure import Document
from questions.text import has_placeholder, split_sentences

ORDINAL = "ordinal"
BULLET = "bullet"
HEADING = "heading"

_ORDINALS = "一二三四五六七八九十"
_ORDINAL_ITEM = re.compile(f"(?:^|(?<=[：:，,；;。]))([{_ORDINALS}])是(?=[^，；：。]{{2,}})")
_ITEM_END = re.compile("[，,；;：:。！？（(]")
_HEADING_ITEM = re.compile(f"^[（(]([{_ORDINALS}]{{1,2}})[）)]")
_MIN_ITEM, _MAX_ITEM = 2, 20


@dataclass(frozen=True)
class Enumeration:
    """Three or more like items a report lists, with the verbatim lines that state them."""

    items: tuple[str, ...]
    lines: tuple[str, ...]
    label: str
    source: str
    sent: Sent

    @property
    def evidence(self) -> str:
        """The stating lines, one verbatim excerpt of the report per line."""
        return "\n".join(self.lines)


def _item(text: str) -> str | None:
    cut = _ITEM_END.search(text)
    item = (text[: cut.start()] if cut else text).strip().rstrip("。")
    if not _MIN_ITEM <= len(item) <= _MAX_ITEM or has_placeholder(item) or "“" in item[:1]:
        return None
    return item


def _usable(items: list[str]) -> bool:
    return len(items) >= 3 and len(set(items)) == len(items)


def _ordinal_runs(sents: list[Sent]) -> list[Enumeration]:
    """一是…二是…三是… within one section, whether in one paragraph or at paragraph openings."""
    found: list[Enumeration] = []
    items: list[str] = []
    lines: list[str] = []
    first: Sent | None = None
    label = ""
    previous: Sent | None = None

    def close() -> None:
        if first is not None and _usable(items):
            found.append(Enumeration(tuple(items), tuple(dict.fromkeys(lines)), label, ORDINAL, first))

    for sent in sents:
        for match in _ORDINAL_ITEM.finditer(sent.text):
            index = _ORDINALS.index(match.group(1))
            same_section = first is not None and first.section == sent.section
            if index == len(items) and (index == 0 or same_section):
                item = _item(sent.text[match.end() :])
                if item is None:
                    items = [] if index else items
                    first = None if index else first
                    continue
                if index == 0:
                    close()
                    first, items, lines = sent, [], []
                    label = _label(sent.text[: match.start()], previous)
                items.append(item)
                lines.append(sent.text)
            elif index == 0:
                close()
                first, items, lines = None, [], []
        previous = sent
    close()
    return found


def _label(before: str, previous: Sent | None) -> str:
    """What the list enumerates: the clause that introduces it, if short (主要做了以下工作)."""
    intro = before.strip()
    if not intro and previous is not None and previous.text.endswith(("：", ":")):
        intro = previous.text
    intro = re.split("[。；]", intro.rstrip("：:，, "))[-1]
    intro = intro.split("，")[-1]
    return intro if 4 <= len(intro) <= 24 and not has_placeholder(intro) else ""


def _bullets(document: Document, sents: list[Sent]) -> list[Enumeration]:
    """Consecutive paragraphs opening with —— in one section; each item is the opening sentence."""
    found: list[Enumeration] = []
    by_first = {s.text: s for s in sents}
    for section in document.sections:
        run: list[str] = []
        for paragraph in [*section.paragraphs, ""]:
            if paragraph.startswith("——") and len(paragraph) > 4:
                run.append(split_sentences(paragraph)[0])
                continue
            if len(run) >= 3:
                items = [_item(line[2:]) for line in run]
                anchor = by_first.get(run[0])
                if all(items) and anchor is not None and _usable([i for i in items if i]):
                    found.append(Enumeration(tuple(i for i in items if i), tuple(run), "", BULLET, anchor))
            run = []
    return found


def _headings(document: Document, sents: list[Sent]) -> list[Enumeration]:
    """Sibling item headings （一）（二）（三） under one parent heading."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for section in document.sections:
        if len(section.path) >= 2 and _HEADING_ITEM.match(section.heading):
            groups.setdefault(section.path[:-1], []).append(section.heading)
    first_sent: dict[str, Sent] = {}
    for sent in sents:
        first_sent.setdefault(sent.section, sent)
    found: list[Enumeration] = []
    for parent, headings in groups.items():
        bare = [_HEADING_ITEM.sub("", h) for h in headings]
        # A prefix every heading repeats (关于“十五五”时期发展的…) gives the answer away; options drop it.
        prefix = _common_prefix(bare)
        items = [_item(b[prefix:] if prefix >= 3 else b) for b in bare]
        anchor = first_sent.get(headings[0])
        if anchor is None or not all(items) or not _usable([i for i in items if i]):
            continue
        label = _HEADING_LABEL.sub("", parent[-1]).strip()
        found.append(Enumeration(tuple(i for i in items if i), tuple(headings), label, HEADING, anchor))
    return found


_HEADING_LABEL = re.compile(
    r"^(?:第[一二三四五六七八九十]+(?:部分|章|篇)|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、])\s*"
)


def _common_prefix(texts: list[str]) -> int:
    size = 0
    while all(len(t) > size and t[size] == texts[0][size] for t in texts):
        size += 1
    return size


def find_enumerations(document: Document, sents: list[Sent]) -> list[Enumeration]:
    """Every enumeration of the document that spans clauses, sentences or paragraphs."""
    usable = [s for s in sents if not s.glossary]
    return [*_ordinal_runs(usable), *_bullets(document, usable), *_headings(document, usable)]
