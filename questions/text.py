"""Cleaning of real-world report text and splitting it into sentences."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

# Only digits, Latin letters and ％ are folded to half width: NFKC would also rewrite ，。：（） and
# change what users read.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})
_FOLD[0xFF05] = ord("%")

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_CJK_PUNCT = "，。、；：！？“”‘’（）《》【】〔〕—…·"
_WIDE = f"{CJK}{_CJK_PUNCT}"

_WIDE_POINT = re.compile(r"(?<=\d)．(?=\d)")
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_SPACES = re.compile("[ \t\u00a0\u2002-\u200a\u3000]+")
# Two or more spaces inside Chinese text are a value someone blanked out (由  个减少到   个).
_GAP = re.compile(f"(?<=[{_WIDE}])[ \t\u00a0\u3000]{{2,}}(?=[{_WIDE}%])")
_SPACE_NEAR_WIDE = re.compile(f"(?<=[{_WIDE}]) +| +(?=[{_WIDE}])")
_MD_PREFIX = re.compile(r"^(#{1,6}\s+|>\s*|[*+-]\s+(?=\S))")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)(.+?)\1")
_TOC = re.compile(r"(\.{4,}|…{2,}|·{4,}|\.\s?\.\s?\.\s?\.)\s*\d+")
# A '?' glued to Chinese text is a lost line mark from a word processor, not a question.
_STRAY_QUESTION = re.compile(f"(?<=[{_WIDE}])\\?+")
_BOX_RUN = re.compile("[，、]?□+")
_BOX_END = re.compile("[，、]?□+$")
_TRUNCATED = re.compile(r"^.{0,4}(\.{3,}|…+)$")
PLACEHOLDER = re.compile(r"(?<![A-Za-z])[xX]{1,3}(?![A-Za-z])|×|□|＿|_{2,}|○○|某某|XX|ＸＸ")

_SENTENCE = re.compile(r"[^。！？；]*(?:[。！？；]+[”’」』）)]*|$)")


@cache
def _clutter() -> re.Pattern[str]:
    data = json.loads(resources.files("questions").joinpath("data/clutter.json").read_text("utf-8"))
    return re.compile("|".join(f"(?:{line})" for line in data["lines"]))


def _clean_line(line: str) -> str:
    line = _ZERO_WIDTH.sub("", line).translate(_FOLD)
    line = _WIDE_POINT.sub(".", line)
    if _clutter().fullmatch(_SPACES.sub(" ", line).strip()):
        return ""
    line = _MD_PREFIX.sub("", line.strip())
    line = _MD_EMPHASIS.sub(r"\2", line)
    line = _GAP.sub("＿", line)
    line = _SPACES.sub(" ", line).strip()
    line = _SPACE_NEAR_WIDE.sub("", line)
    # A box replaces a lost punctuation mark: a comma inside a line, a full stop at its end.
    line = _BOX_END.sub("。", line)
    return _BOX_RUN.sub("，", line)


# A glossary note's term on its own line (［3］五互一共：) belongs with the definition under it.
_NOTE_TERM = re.compile(r"^[［\[]\d{1,3}[］\]][^。；]{1,40}[：:]$")


def normalise_text(raw: str) -> str:
    """Cleaned report text: one paragraph or heading a line, clutter removed; idempotent."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _STRAY_QUESTION.sub("\n", text)
    clutter = _clutter()
    lines: list[str] = []
    for raw_line in text.split("\n"):
        if _TOC.search(raw_line):
            continue
        line = _clean_line(raw_line)
        if not line or clutter.fullmatch(line) or _TRUNCATED.match(line):
            continue
        if lines and _NOTE_TERM.match(lines[-1]):
            lines[-1] += line
        else:
            lines.append(line)
    return "\n".join(lines) + ("\n" if lines else "")


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph, cut after 。！？； and any closing quote that follows them."""
    return [s.strip() for s in _SENTENCE.findall(paragraph) if s.strip()]


def has_placeholder(text: str) -> bool:
    """True if the text holds an anonymised value (x, xx, ×, □, ＿) that no question may ask about."""
    return PLACEHOLDER.search(text) is not None


def quoted(text: str) -> str:
    """Text in Chinese double quotes; quotes already inside become single ones (“…‘十四五’…”)."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def unquoted(text: str) -> str:
    """The inverse of the inner-quote rewrite in `quoted`, for matching a quoted stem part to the report."""
    return text.replace("‘", "“").replace("’", "”")


def cjk_len(text: str) -> int:
    """Number of CJK ideographs in the text."""
    return len(re.findall(f"[{CJK}]", text))
