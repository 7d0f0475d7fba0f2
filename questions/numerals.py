"""Chinese numerals below 万 to integers and back, the way reports write small counts (三张, 十四年)."""

from __future__ import annotations

import re

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(_UNITS)
_RUN = re.compile(f"[{NUMERAL_CHARS}]+")
_CN_DIGITS = "零一二三四五六七八九"


def parse_chinese_int(text: str) -> int | None:
    """Value of a Chinese numeral below 10000 (十四, 二〇二四, 三百零五), or None if it is not one."""
    if not text or any(ch not in DIGITS and ch not in _UNITS for ch in text):
        return None
    if all(ch in DIGITS for ch in text):
        # 二〇二四 is read digit by digit; a lone 两 is 2.
        return int("".join(str(DIGITS[ch]) for ch in text))
    total = 0
    pending: int | None = None
    last_unit = 100000
    zero_seen = False
    for ch in text:
        if ch in DIGITS:
            if pending is not None:
                return None
            if DIGITS[ch] == 0:
                zero_seen = True
            else:
                pending = DIGITS[ch]
        else:
            unit = _UNITS[ch]
            if unit >= last_unit:
                return None
            total += (pending if pending is not None else 1) * unit
            pending = None
            last_unit = unit
    if pending is not None:
        if last_unit == 10 or zero_seen:
            total += pending
        else:
            # 三百五 is colloquial for 350; reports do not write it, so refuse rather than guess.
            return None
    return total


def int_to_chinese(value: int) -> str:
    """Chinese numeral for 0 < value < 10000, in the style reports use (十四, 一百零五)."""
    if not 0 < value < 10000:
        raise ValueError(value)
    if value < 20:
        return ("十" + (_CN_DIGITS[value - 10] if value > 10 else "")) if value >= 10 else _CN_DIGITS[value]
    parts: list[str] = []
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit % 10
        if digit:
            if zero and parts:
                parts.append("零")
            parts.append(_CN_DIGITS[digit] + name)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


def chinese_runs_to_digits(text: str) -> str:
    """Replace each Chinese numeral run that parses with Arabic digits; others stay as written."""

    def convert(match: re.Match[str]) -> str:
        value = parse_chinese_int(match.group())
        return match.group() if value is None else str(value)

    return _RUN.sub(convert, text)
