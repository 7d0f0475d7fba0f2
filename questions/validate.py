"""Checks every question must pass: shape, placeholders, and a key provable from its evidence."""

from __future__ import annotations

import re
from functools import lru_cache

from questions.bank import Question
from questions.kinds import Kind, normalise_fill
from questions.text import has_placeholder, normalise_text, unquoted

# Why a generated item was dropped; the labels appear in the run summary.
DROP_SHAPE = "题型结构不符"
DROP_PLACEHOLDER = "含占位符"
DROP_EVIDENCE = "原文依据不匹配"
DROP_KEY = "答案无法从原文核对"
DROP_DISTRACTOR_TRUE = "干扰项出现在原文中"
DROP_OPTIONS = "选项重复或不同类"
DROP_BAND = "数字干扰项超出范围"
DROP_LIST_MEMBER = "干扰项属于真实列表"
DROP_DUPLICATE = "近似重复"
DROP_FRAGMENT = "题干不完整（残句、缺少上下文或括号不全）"
DROP_REVEALED = "答案见于同句另一题"
DROP_NEGATIVE = "“不属于”题的答案出现在原文中"
DROP_PAIR = "“分别”对应关系无法核对"
DROP_BALANCE = "判断题正误平衡"
DROP_LIMIT = "超出题量上限"
DROP_NO_DISTRACTORS = "无法成题（干扰项不足、题干过长或答案外露）"

NEGATIVE_TAG = "negative"
PAIR_TAG = "pair"
MATCH_TAG = "match"
_LEAD_IN = re.compile(r"^.{0,100}?(?:指出|提出|强调|明确|要求|表示)[，：,:]")
_BLANK = re.compile(r"[（(]\s*[）)]")


@lru_cache(maxsize=4)
def _normalised_source(source_text: str) -> str:
    return normalise_text(source_text)


def statement_of(stem: str) -> str:
    """The claim of a true/false stem without its lead-in (《…》指出，) and final stop."""
    return _LEAD_IN.sub("", stem, count=1).rstrip("。！？；")


_NOTE_MARK = re.compile(r"［\d{1,3}］|\[\d{1,3}\]")


def _contains(haystack: str, needle: str) -> bool:
    if not needle:
        return False
    # Stems leave out glossary note marks (［4］), so the evidence is compared without them too.
    bare = _NOTE_MARK.sub("", haystack)
    return needle in haystack or needle in bare or normalise_fill(needle) in normalise_fill(bare)


def _shape_problems(q: Question) -> list[str]:
    problems: list[str] = []
    if not q.stem.strip():
        problems.append("题干为空。")
    choice = q.kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)
    if choice:
        if len(q.options) < 2:
            problems.append("选择题至少需要两个选项。")
        if any(not o.strip() for o in q.options):
            problems.append("选项不能为空。")
        if len({normalise_fill(o) for o in q.options}) != len(q.options):
            problems.append("选项有重复。")
    elif q.options:
        problems.append(f"{'判断题' if q.kind is Kind.TRUE_FALSE else '填空题'}不应有选项。")
    answer = q.answer
    if q.kind is Kind.SINGLE_CHOICE:
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(q.options):
            problems.append("单选题答案必须是一个有效的选项序号。")
    elif q.kind is Kind.MULTIPLE_CHOICE:
        if (
            not isinstance(answer, tuple)
            or not answer
            or not all(isinstance(a, int) and not isinstance(a, bool) for a in answer)
            or len(set(answer)) != len(answer)
            or not all(0 <= a < len(q.options) for a in answer if isinstance(a, int))
        ):
            problems.append("多选题答案必须是不重复的有效选项序号。")
        elif len(answer) < 2:
            problems.append("多选题至少应有两个正确选项。")
    elif q.kind is Kind.TRUE_FALSE:
        if not isinstance(answer, bool):
            problems.append("判断题答案必须是“正确”或“错误”。")
    elif not isinstance(answer, tuple) or not answer or not all(isinstance(a, str) and a.strip() for a in answer):
        problems.append("填空题至少需要一个可接受答案。")
    if q.kind is not Kind.TRUE_FALSE and not _BLANK.search(q.stem):
        problems.append("题干中缺少作答位置（ ）。")
    if not 1 <= q.difficulty <= 3:
        problems.append("难度必须是 1 到 3。")
    return problems


def _keys(q: Question) -> list[str]:
    if q.kind is Kind.SINGLE_CHOICE and isinstance(q.answer, int) and 0 <= q.answer < len(q.options):
        return [q.options[q.answer]]
    if q.kind is Kind.MULTIPLE_CHOICE and isinstance(q.answer, tuple):
        return [q.options[a] for a in q.answer if isinstance(a, int) and 0 <= a < len(q.options)]
    if q.kind is Kind.FILL_BLANK and isinstance(q.answer, tuple) and q.answer:
        return [str(q.answer[0])]
    return []


def _placeholder_problems(q: Question) -> list[str]:
    texts = [q.stem, *q.options]
    if q.kind is Kind.FILL_BLANK and isinstance(q.answer, tuple):
        texts.extend(str(a) for a in q.answer)
    if any(has_placeholder(_BLANK.sub("", t)) for t in texts):
        return ["题干、选项或答案含有占位符（x、×、□ 等），请填写真实内容。"]
    return []


def evidence_problems(q: Question, source: str) -> list[str]:
    """Problems tying the question to its evidence sentence in the normalised source."""
    if not q.evidence.strip():
        return ["缺少原文依据 evidence。"]
    # Evidence of a list that spans paragraphs is several verbatim lines, one excerpt per line.
    if not all(line and line in source for line in q.evidence.split("\n")):
        return ["原文依据 evidence 不是报告中的原句，请从报告中复制原文。"]
    problems: list[str] = []
    if q.kind is Kind.TRUE_FALSE:
        claim = statement_of(q.stem)
        if q.answer is True and not _contains(q.evidence, claim):
            problems.append("判断题答案为“正确”，但题干表述在原文依据中找不到。")
        if q.answer is False and _contains(q.evidence, claim):
            problems.append("判断题答案为“错误”，但题干表述与原文依据一致。")
        return problems
    if q.kind is Kind.SINGLE_CHOICE and NEGATIVE_TAG in q.tags:
        return _negative_problems(q)
    if q.kind is Kind.SINGLE_CHOICE and PAIR_TAG in q.tags:
        return _pair_problems(q)
    if q.kind is Kind.SINGLE_CHOICE and MATCH_TAG in q.tags:
        return _match_problems(q)
    if not all(_contains(q.evidence, key) for key in _keys(q)):
        problems.append("正确答案在原文依据中找不到，请核对答案。")
    if q.kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE):
        keys = set(_keys(q))
        if any(o not in keys and _contains(q.evidence, o) for o in q.options):
            problems.append("有干扰项出现在原文依据中，可能也是正确答案。")
    return problems


def _negative_problems(q: Question) -> list[str]:
    """“不属于…的是”: every other option is stated in the evidence, the key is not."""
    keys = _keys(q)
    if any(_contains(q.evidence, key) for key in keys):
        return ["“不属于”题的答案出现在原文依据中，它可能也属于该列表。"]
    if not all(_contains(q.evidence, o) for o in q.options if o not in keys):
        return ["“不属于”题的其他选项应当都能在原文依据中找到。"]
    return []


_MATCH_HEAD = re.compile(r"紧接“(.+?)”的表述")


def _match_problems(q: Question) -> list[str]:
    """“紧接…的表述”: the key follows the named item in the evidence, every other option follows another item."""
    match = _MATCH_HEAD.search(q.stem)
    keys = _keys(q)
    head = unquoted(match.group(1)) if match else ""
    others = [o for o in q.options if keys and o != keys[0]]
    if (
        head
        and keys
        and f"{head}，{keys[0]}" in q.evidence
        and all(f"，{o}" in q.evidence and f"{head}，{o}" not in q.evidence for o in others)
    ):
        return []
    return ["“紧接”题无法从原文依据核对：答案应紧接题干所列项目，其他选项应紧接其余各项。"]


_PAIR_ITEM = re.compile(r"其中“([^“”]+)”")


def _pair_problems(q: Question) -> list[str]:
    """A 分别 question: the key is the value stated for the named item, the others belong to other items."""
    from questions.extract.pairs import pair_tables

    match = _PAIR_ITEM.search(q.stem)
    item = unquoted(match.group(1)) if match else ""
    keys = _keys(q)
    for table in pair_tables(q.evidence) if item and keys else []:
        stated = table.get(item)
        others = {v for k, v in table.items() if k != item}
        if stated == keys[0] and all(o in others for o in q.options if o != stated):
            return []
    return ["“分别”对应关系无法从原文依据核对：答案应是该项对应的数值，其他选项应是其余各项的数值。"]


def validate_question(q: Question, *, source_text: str | None = None) -> list[str]:
    """Chinese descriptions of what is wrong with a question; an empty list means it is fine."""
    problems = _shape_problems(q) + _placeholder_problems(q)
    if source_text is not None and not problems:
        source = source_text if q.evidence in source_text else _normalised_source(source_text)
        problems.extend(evidence_problems(q, source))
    return problems
