"""Generator-only checks on a built question: numeric band, homogeneity, truth of distractors, duplicates."""

from __future__ import annotations

import re

from questions.build import BLANK, Context, Draft
from questions.distractors import in_band
from questions.kinds import Kind
from questions.numerals import parse_chinese_int
from questions.text import CJK
from questions.validate import (
    DROP_BAND,
    DROP_DISTRACTOR_TRUE,
    DROP_DUPLICATE,
    DROP_EVIDENCE,
    DROP_FRAGMENT,
    DROP_KEY,
    DROP_LIST_MEMBER,
    DROP_NEGATIVE,
    DROP_OPTIONS,
    DROP_PAIR,
    DROP_PLACEHOLDER,
    DROP_SHAPE,
)

_NUMBER = re.compile(r"\d+(?:\.\d+)?|[二两三四五六七八九十]{1,3}")


def _value(option: str) -> float | None:
    match = _NUMBER.search(option)
    if match is None:
        return None
    text = match.group()
    if text[0].isdigit():
        return float(text)
    parsed = parse_chinese_int(text)
    return None if parsed is None else float(parsed)


def _skeleton(option: str) -> str:
    return _NUMBER.sub("#", option)


def near_key(draft: Draft) -> str:
    """What two questions share when they ask the same thing: the stem text around the blank.

    Two statements to judge about one claim (能耗“双控”… kept, and with 双拥 swapped in) are the
    same question whatever was swapped, so a true/false question is keyed by its true statement.
    """
    stem = draft.claim if draft.question.kind is Kind.TRUE_FALSE and draft.claim else draft.question.stem
    stem = stem.replace(BLANK, "")
    return re.sub(r"[^\u4e00-\u9fff]", "", stem.split("指出，", 1)[-1])[:40]


# A statement that stops on a copula or a preposition (奋斗目标是、围绕) has lost what it says.
_DANGLING = re.compile(r"(?:是|(?<![行作成认称因以])为|即|的|和|与|及|或|对|在|把|将|从|向|以)$")
_MIN_CLAIM, _MIN_CONTEXT = 6, 7
_LEANING = re.compile(r"(?:其中|并且?|而且?|但是?|同时|就是|就要|此外|另外)")
_WORD = re.compile(f"[{CJK}A-Za-z0-9]")


def _word_chars(text: str) -> int:
    return len(_WORD.findall(text))


def fragment(draft: Draft) -> bool:
    """A stem a reader cannot answer from: a dangling statement, a term with no context, an unclosed bracket."""
    if draft.claim:
        bare = draft.claim.rstrip("。！？；：:，,")
        if _word_chars(bare) < _MIN_CLAIM or _DANGLING.search(bare):
            return True
    # 坚持“（ ）”。 or 推进“一网通办”。: nothing around the term says which slogan is meant.
    if draft.context is not None and _word_chars(draft.context) < _MIN_CONTEXT:
        return True
    if _DANGLING.search(draft.question.stem.rstrip("。！？；：:")):
        return True
    stem = draft.question.stem.replace(BLANK, "")
    if _LEANING.match(stem.split("指出，", 1)[-1]):
        return True  # 其中… or 不论是… opening a sentence refers to the one before, which the stem lacks
    pairs = (("（", "）"), ("(", ")"), ("“", "”"))
    return any(stem.count(a) != stem.count(b) for a, b in pairs)


def pipeline_problems(draft: Draft, ctx: Context, seen: set[str]) -> list[str]:
    """Drop reasons for a built question (empty when it may go into the bank)."""
    q = draft.question
    reasons: list[str] = []
    if fragment(draft):
        reasons.append(DROP_FRAGMENT)
    if draft.number is not None and q.kind is Kind.SINGLE_CHOICE:
        key = draft.number.value
        values = [_value(o) for o in q.options]
        if any(v is None for v in values) or not all(in_band(key, v) for v in values if v is not None and v != key):
            reasons.append(DROP_BAND)
        if len({_skeleton(o) for o in q.options}) != 1:
            reasons.append(DROP_OPTIONS)
    if q.kind is Kind.SINGLE_CHOICE and draft.number is None:
        lengths = [len(o) for o in q.options]
        if max(lengths) > 2 * min(lengths) + 4:
            reasons.append(DROP_OPTIONS)
    if any(statement in ctx.text for statement in draft.filled):
        reasons.append(DROP_DISTRACTOR_TRUE)
    if q.kind is Kind.MULTIPLE_CHOICE and isinstance(q.answer, tuple):
        keys = {q.options[i] for i in q.answer if isinstance(i, int)}
        outsiders = [o for o in q.options if o not in keys]
        if any(o in m or m in o for o in outsiders for m in draft.members):
            reasons.append(DROP_LIST_MEMBER)
    if near_key(draft) in seen:
        reasons.append(DROP_DUPLICATE)
    return reasons


def reveals(draft: Draft, others: list[Draft]) -> bool:
    """Whether a term cloze and another from the same sentence each show the other's answer (米袋子/菜篮子)."""
    if draft.context is None or draft.question.kind is Kind.TRUE_FALSE:
        return False
    key = _term_key(draft)
    return any(
        o.context is not None
        and o.question.kind is not Kind.TRUE_FALSE
        and (key in o.question.stem or _term_key(o) in draft.question.stem)
        for o in others
    )


def _term_key(draft: Draft) -> str:
    q = draft.question
    if q.kind is Kind.SINGLE_CHOICE and isinstance(q.answer, int):
        return q.options[q.answer]
    return str(q.answer[0]) if isinstance(q.answer, tuple) and q.answer else ""


def reason_for(problem: str) -> str:
    """The drop label for a validate_question problem message."""
    if "“不属于”题" in problem:
        return DROP_NEGATIVE
    if "“分别”" in problem:
        return DROP_PAIR
    if "占位符" in problem:
        return DROP_PLACEHOLDER
    if "原文依据" in problem and "找不到" not in problem and "干扰项" not in problem:
        return DROP_EVIDENCE
    if "干扰项" in problem:
        return DROP_DISTRACTOR_TRUE
    if "答案" in problem or "表述" in problem:
        return DROP_KEY
    if "选项" in problem:
        return DROP_OPTIONS
    return DROP_SHAPE
