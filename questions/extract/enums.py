"""Enumerations that span sentences: 一是…二是…, ——bullets and （一）（二） item headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from questions.numerals import parse_chinese_int
from questions.sentences import Sent
from questions.structure import Document
from questions.text import CJK as _CJK
from questions.text import has_placeholder, split_sentences

ORDINAL = "ordinal"
BULLET = "bullet"
HEADING = "heading"
PARALLEL = "parallel"

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
    # What each item's line says after it (一是强化创新引领，稳定产业链供应链): empty unless every item has one.
    tails: tuple[str, ...] = ()

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


def _tail(text: str, item: str) -> str | None:
    """The clause after an item in its line (保持经济运行在合理区间), if the line goes on after a comma."""
    rest = text[text.find(item) + len(item) :] if item in text else ""
    if not rest.startswith(("，", ",")):
        return None
    tail = re.split("[，,；;。！？：:]", rest[1:])[0]
    return tail if _MIN_ITEM + 2 <= len(tail) <= 30 and not has_placeholder(tail) else None


def _tails(texts: list[str], items: list[str]) -> tuple[str, ...]:
    tails = [_tail(t, i) for t, i in zip(texts, items, strict=True)]
    usable = [t for t in tails if t]
    return tuple(usable) if len(usable) == len(items) and len(set(usable)) == len(usable) else ()


def _usable(items: list[str]) -> bool:
    return len(items) >= 3 and len(set(items)) == len(items)


def _ordinal_runs(sents: list[Sent]) -> list[Enumeration]:
    """一是…二是…三是… within one section, whether in one paragraph or at paragraph openings."""
    found: list[Enumeration] = []
    items: list[str] = []
    lines: list[str] = []
    texts: list[str] = []
    first: Sent | None = None
    label = ""
    previous: Sent | None = None

    def close() -> None:
        if first is not None and _usable(items):
            lines_ = tuple(dict.fromkeys(lines))
            found.append(Enumeration(tuple(items), lines_, label, ORDINAL, first, _tails(texts, items)))

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
                    first, items, lines, texts = sent, [], [], []
                    label = _label(sent.text[: match.start()], previous)
                items.append(item)
                lines.append(sent.text)
                texts.append(sent.text[match.end() :])
            elif index == 0:
                close()
                first, items, lines, texts = None, [], [], []
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
        kept = [i for i in items if i]
        tails = _tails(bare, kept) if prefix < 3 else ()
        found.append(Enumeration(tuple(kept), tuple(headings), label, HEADING, anchor, tails))
    return found


_HEADING_LABEL = re.compile(
    r"^(?:第[一二三四五六七八九十]+(?:部分|章|篇)|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、])\s*"
)


def _common_prefix(texts: list[str]) -> int:
    size = 0
    while all(len(t) > size and t[size] == texts[0][size] for t in texts):
        size += 1
    return size


_COUNT = re.compile(r"([二两三四五六七八九十]{1,2})(?:个|项|大|条|方面)")


def _parallel(document: Document, sents: list[Sent]) -> list[Enumeration]:
    """Short paragraphs opening with one word after an introducing line (必须做到“八个聚焦”：聚焦对外开放，…).

    Nothing else in a report is built like them, so they are a list of their own; a count the
    introduction states (八个) must match, so the list is known to be complete.
    """
    found: list[Enumeration] = []
    by_first = {s.text: s for s in sents}
    for section in document.sections:
        paragraphs = section.paragraphs
        for index, intro in enumerate(paragraphs[:-1]):
            if not intro.endswith(("：", ":")):
                continue
            opening = paragraphs[index + 1][:2]
            if not re.fullmatch(f"[{_CJK}]{{2}}", opening):
                continue
            run = [p for p in paragraphs[index + 1 :] if p.startswith(opening) and len(split_sentences(p)) == 1]
            run = [p for p in run if len(p) <= 50]
            items = [_item(p) for p in run]
            kept = [i for i in items if i]
            anchor = by_first.get(run[0]) if run else None
            if anchor is None or len(kept) != len(run) or not _usable(kept) or len(kept) > 12:
                continue
            count = _COUNT.search(intro)
            if count and parse_chinese_int(count.group(1)) != len(kept):
                continue
            label = _label(intro, None)
            found.append(Enumeration(tuple(kept), tuple(run), label, PARALLEL, anchor, _tails(run, kept)))
    return found


def find_enumerations(document: Document, sents: list[Sent]) -> list[Enumeration]:
    """Every enumeration of the document that spans clauses, sentences or paragraphs."""
    usable = [s for s in sents if not s.glossary]
    return [
        *_ordinal_runs(usable),
        *_bullets(document, usable),
        *_headings(document, usable),
        *_parallel(document, usable),
    ]


@dataclass(frozen=True)
class MatchFact:
    """An enumeration whose lines go on after each item: which continuation belongs to which item."""

    enum: Enumeration
