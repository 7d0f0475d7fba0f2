"""Question kinds and how each grades a response to a fraction between 0 and 1."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from questions.numerals import chinese_runs_to_digits


class Kind(StrEnum):
    """The four question kinds; the values are stored in banks and databases."""

    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    FILL_BLANK = "fill_blank"


KIND_LABELS: dict[Kind, str] = {
    Kind.SINGLE_CHOICE: "单选题",
    Kind.MULTIPLE_CHOICE: "多选题",
    Kind.TRUE_FALSE: "判断题",
    Kind.FILL_BLANK: "填空题",
}

# Full-width ASCII (！..～) maps to half width by a fixed offset; NFKC would also touch ，。 and is banned.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20
# Punctuation a person may add or leave out when typing an answer on a phone.
_IGNORED = re.compile(r"[\s、，,。;；:：!！?？“”\"'‘’「」『』《》〈〉（）()【】\[\]…—·-]")
# A full stop is punctuation unless it is a decimal point.
_STOP = re.compile(r"(?<!\d)\.|\.(?!\d)")


def normalise_fill(text: str) -> str:
    """Canonical form of a fill-in answer: half width, no spaces or punctuation, digits for numerals."""
    half = text.translate(_FULL_WIDTH)
    stripped = _STOP.sub("", _IGNORED.sub("", half)).lower()
    return chinese_runs_to_digits(stripped)


def _as_int(value: object) -> int | None:
    # bool is an int subclass, but True is never a valid option index.
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _int_set(values: object) -> set[int] | None:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        return None
    result: set[int] = set()
    for item in values:
        number = _as_int(item)
        if number is None:
            return None
        result.add(number)
    return result


def _grade_single(answer: object, response: object) -> float:
    key = _as_int(answer)
    chosen = _as_int(response)
    return 1.0 if key is not None and chosen == key else 0.0


def _grade_multiple(answer: object, response: object, partial_credit: bool) -> float:
    key = _int_set(answer)
    chosen = _int_set(response)
    if not key or not chosen:
        return 0.0
    if chosen == key:
        return 1.0
    if partial_credit and chosen <= key:
        return len(chosen) / len(key)
    return 0.0


def _grade_true_false(answer: object, response: object) -> float:
    if not isinstance(answer, bool) or not isinstance(response, bool):
        return 0.0
    return 1.0 if answer is response else 0.0


def _grade_fill(answer: object, response: object) -> float:
    if isinstance(answer, str):
        accepted: list[str] = [answer]
    elif isinstance(answer, list | tuple) and all(isinstance(a, str) for a in answer):
        accepted = list(answer)
    else:
        return 0.0
    if isinstance(response, list | tuple) and len(response) == 1:
        response = response[0]
    if not isinstance(response, str):
        return 0.0
    given = normalise_fill(response)
    if not given:
        return 0.0
    return 1.0 if any(given == normalise_fill(a) for a in accepted) else 0.0


def grade(kind: Kind | str, answer: object, response: object, *, partial_credit: bool = False) -> float:
    """Fraction of credit (0..1) a response earns; malformed or missing responses earn 0, never raise."""
    try:
        kind = Kind(kind)
    except ValueError:
        return 0.0
    if kind is Kind.SINGLE_CHOICE:
        return _grade_single(answer, response)
    if kind is Kind.MULTIPLE_CHOICE:
        return _grade_multiple(answer, response, partial_credit)
    if kind is Kind.TRUE_FALSE:
        return _grade_true_false(answer, response)
    return _grade_fill(answer, response)
