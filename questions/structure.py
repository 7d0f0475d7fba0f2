"""Title, header and the section tree of a normalised report, in reading order."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from questions.text import CJK, has_placeholder, split_sentences

PREFACE = "前言"

# Heading styles from the outermost to the innermost, as Chinese official documents number them.
_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(r"^第[一二三四五六七八九十]{1,3}(?:部分|章|篇)")),
    ("cn", re.compile(r"^[一二三四五六七八九十]{1,3}、")),
    ("paren_cn", re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")),
    ("arabic", re.compile(r"^\d{1,2}[.．、](?!\d)")),
    ("paren_arabic", re.compile(r"^[（(]\d{1,2}[）)]")),
]
_RANK = {name: rank for rank, (name, _) in enumerate(_STYLES)}
_END = "。！？；"
_PLAIN_FORBIDDEN = re.compile(r"[。！？；：，,!?:;、]")
_HEADER = re.compile(
    r"^(?:[—-]{1,2}.*|.*(?:会议|大会)上.*|(?:来源|时间|日期|作者|发布时间|发布)[：:].*"
    r"|.{0,12}(?:省长|市长|州长|县长|区长|主席|总理|书记|局长|主任)\s?.{0,6})$"
)
_HAS_CJK = re.compile(f"[{CJK}]")


@dataclass
class Section:
    """A heading with the paragraphs under it; `path` runs from the top-level heading to this one."""

    heading: str
    level: int
    path: tuple[str, ...]
    paragraphs: list[str] = field(default_factory=list)

    @property
    def top(self) -> str:
        """The top-level heading this section belongs to."""
        return self.path[0] if self.path else ""


@dataclass
class Document:
    """A parsed report: title, the meeting/date lines under it, and its sections."""

    title: str
    header: list[str]
    sections: list[Section]


def _style(line: str) -> str | None:
    for name, pattern in _STYLES:
        if pattern.match(line):
            return name
    return None


def _plain_heading(line: str) -> bool:
    return (
        len(line) <= 25
        and _HAS_CJK.search(line) is not None
        and not _PLAIN_FORBIDDEN.search(line)
        and not line.startswith(("—", "-"))
        and not has_placeholder(line)
    )


def _split_heading(line: str, style: str | None) -> tuple[str, str] | None:
    """(heading, body) if the line opens a section, else None."""
    if style is None:
        return (line, "") if _plain_heading(line) else None
    inner = line.rstrip(_END)
    if style in ("arabic", "paren_arabic"):
        # Numbered lines that carry a colon or a long text are list items or notes, not headings.
        ok = len(inner) <= 32 and "：" not in inner and not any(ch in inner for ch in _END)
        return (inner, "") if ok else None
    if len(inner) <= 40 and not any(ch in inner for ch in _END):
        return inner, ""
    first = split_sentences(line)[0]
    if len(first) <= 42 and first[-1] in _END:
        return first.rstrip(_END), line[len(first) :]
    return None


def _title_and_header(lines: list[str]) -> tuple[str, list[str], int]:
    title = ""
    start = 0
    if lines:
        first = lines[0]
        if len(first) <= 40 and _style(first) is None and not any(ch in first for ch in _END + "：，"):
            title = first
            start = 1
    header: list[str] = []
    while start < len(lines) and (title or header) and _HEADER.match(lines[start]):
        header.append(lines[start])
        start += 1
    return title, header, start


def parse_document(text: str) -> Document:
    """Split normalised text into title, header and sections (text before the first heading: 前言)."""
    lines = [line for line in text.split("\n") if line.strip()]
    title, header, start = _title_and_header(lines)
    found: list[tuple[str, str | None, list[str]]] = []
    preface: list[str] = []
    for line in lines[start:]:
        style = _style(line)
        split = _split_heading(line, style)
        if split is not None:
            heading, body = split
            found.append((heading, style, [body] if body else []))
        elif found:
            found[-1][2].append(line)
        else:
            preface.append(line)
    present = sorted({_RANK[s] for _, s, _ in found if s is not None})
    level_of = {rank: level for level, rank in enumerate(present, start=1)}
    sections: list[Section] = []
    if preface:
        sections.append(Section(PREFACE, 1, (PREFACE,), preface))
    stack: list[tuple[int, str]] = []
    for heading, style, paragraphs in found:
        level = 1 if style is None else level_of[_RANK[style]]
        stack = [entry for entry in stack if entry[0] < level]
        stack.append((level, heading))
        sections.append(Section(heading, level, tuple(h for _, h in stack), paragraphs))
    return Document(title=title, header=header, sections=sections)
