"""Quantities in a sentence: value, 万/亿 scale, unit and qualifier (近、超过、左右、以上…)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from questions.numerals import parse_chinese_int
from questions.sentences import Sent

_UNITS = (
    "个百分点|百分点|%|‰|倍|元|人次|人|户|亩|吨|斤|公里|千米|平方公里|平方米|立方米|微克/立方米|千瓦时|千瓦|"
    "标准箱|航次|个|家|项|件|所|座|条|台|套|场|次|批|只|群|名|位|例|张|艘|天|辆|架|颗|处|种|类|篇|份|"
    "间|栋|列|单|笔|宗|支|门|年"
)
_ARABIC = re.compile(
    r"(?P<pre>近|超过|超|约|逾|不少于|不低于)?"
    r"(?P<num>\d+(?:\.\d+)?)"
    r"(?P<scale>万亿|亿|万)?"
    r"(?P<mid>多|余)?"
    rf"(?P<unit>{_UNITS})"
    r"(?P<post>左右|以上|以内|以下|上下)?"
)
# Chinese counts that quiz writers blank (三重压力, 连续十四年); 一 is too often an article, and 次 too
# often part of a term (三次产业).
_CHINESE = re.compile(r"(?P<pre>连续)?(?P<num>[二两三四五六七八九十]{1,3})(?P<unit>个|项|张|大|重|批|条|类|方面|年)")
_BAD_BEFORE = re.compile(r"[A-Za-z0-9.+\-~～—第]$|[A-Za-z]\d*$")
_BAD_AFTER = re.compile(r"^(?:[A-Za-z0-9+\-~～—至到]|%?[-~～—至到]\d|月|日|号|年代|年度|年来|年间|级)")

LOWER_BOUND = {"超过", "超", "逾", "不少于", "不低于", "以上", "多", "余"}
UPPER_BOUND = {"以内", "以下"}
# Verbs just before a number that make it a bound: "突破20万亿元" also makes "突破19万亿元" true.
_LOWER_VERB = re.compile(r"(?:突破|超过|超|逾|高于|多于|大于|不少于|不低于|至少|达到?)$")
_UPPER_VERB = re.compile(r"(?:控制在|低于|少于|不超过|不高于|降至|降到|压减到|压缩到)$")
# The second number of a range (100万元至300万元, 5%-5.5%) is not a fact on its own.
_RANGE_END = re.compile(r"\d[^\d，。；、]{0,4}(?:至|到|-|～|~|—)$")
# ...unless a change verb sits between them: the 74% of 由21%提升至74% is a value of its own.
_CHANGE_TO = re.compile(
    r"\d[^\d，。；、]{0,4}(?:提高|提升|增加|增长|扩大|上升|升|下降|降低|减少|压减|缩减|缩小|收窄|降)(?:至|到)$"
)


@dataclass(frozen=True)
class NumberFact:
    """One quantity in a sentence; `text[start:end]` of the sentence is the whole slot."""

    sent: Sent
    start: int
    end: int
    pre: str
    num: str
    value: float
    scale: str
    mid: str
    unit: str
    post: str
    chinese: bool
    verb_bound: int = 0

    @property
    def slot(self) -> str:
        """The slot as written in the sentence."""
        return self.sent.text[self.start : self.end]

    def with_number(self, num: str) -> str:
        """The slot rewritten with another number, keeping unit and qualifiers."""
        return f"{self.pre}{num}{self.scale}{self.mid}{self.unit}{self.post}"

    @property
    def bound(self) -> int:
        """+1 if the slot is a lower bound (超过、以上), -1 if an upper bound (以内), else 0."""
        qualifiers = {self.pre, self.mid, self.post} - {""}
        if self.verb_bound:
            return self.verb_bound
        if qualifiers & LOWER_BOUND:
            return 1
        if qualifiers & UPPER_BOUND:
            return -1
        return 0


def _year_like(num: str, unit: str, after: str) -> bool:
    return unit == "年" and (len(num) == 4 or after.startswith(("底", "末", "初", "起", "前", "后")))


def _verb_bound(before: str) -> int:
    if _LOWER_VERB.search(before):
        return 1
    if _UPPER_VERB.search(before):
        return -1
    return 0


def find_numbers(sent: Sent) -> list[NumberFact]:
    """Quantities in the sentence that a question can blank; years, dates, codes and ranges are skipped."""
    text = sent.text
    facts: list[NumberFact] = []
    for match in _ARABIC.finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        num, unit = match["num"], match["unit"]
        if _BAD_BEFORE.search(before) or _BAD_AFTER.match(after) or _year_like(num, unit, after):
            continue
        if unit == "年" and not before.endswith(("连续", "延长", "达", "用", "近", "超过")):
            continue
        if _RANGE_END.search(before) and not _CHANGE_TO.search(before):
            continue
        facts.append(
            NumberFact(
                sent,
                match.start(),
                match.end(),
                match["pre"] or "",
                num,
                float(num),
                match["scale"] or "",
                match["mid"] or "",
                unit,
                match["post"] or "",
                False,
                _verb_bound(before),
            )
        )
    for match in _CHINESE.finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        value = parse_chinese_int(match["num"])
        if value is None or value < 2 or _BAD_BEFORE.search(before) or re.match(r"[一二三四五六七八九十百千万]", after):
            continue
        if match["unit"] == "年" and not match["pre"]:
            continue
        if re.search(r"[一二三四五六七八九十百千万“”]$", before):
            continue
        facts.append(
            NumberFact(
                sent,
                match.start(),
                match.end(),
                match["pre"] or "",
                match["num"],
                float(value),
                "",
                "",
                match["unit"],
                "",
                True,
                _verb_bound(before),
            )
        )
    facts.sort(key=lambda f: f.start)
    return facts
