"""Extractors on real sentences from work reports: numbers, terms, notes, lists."""

import pytest

from questions.extract.lists import find_lists
from questions.extract.numbers import find_numbers
from questions.extract.terms import find_note, find_terms
from questions.sentences import Sent, clause_bounds


def _sent(text: str, *, glossary: bool = False) -> Sent:
    return Sent(text=text, section="一、回顾", top="一、回顾", order=0, glossary=glossary, target=False, whole=True)


@pytest.mark.parametrize(
    ("sentence", "slots", "bounds"),
    [
        ("国内生产总值达到114万亿元，增长8.1%。", ["114万亿元", "8.1%"], [1, 0]),
        (
            "城镇新增就业1100万人以上，城镇调查失业率全年控制在5.5%以内。",
            ["1100万人以上", "5.5%以内"],
            [1, -1],
        ),
        ("市场主体总量超过1.5亿户。", ["超过1.5亿户"], [1]),
        ("对小微企业年应纳税所得额100万元至300万元部分，再减半征收企业所得税。", [], []),
        ("地区生产总值增长5%-5.5%，规模以上工业增加值增长7.3%以上。", ["7.3%以上"], [1]),
        ("2013年以来新增的涉税市场主体去年纳税达到4.76万亿元。", ["4.76万亿元"], [1]),
        ("我国经济发展面临需求收缩、供给冲击、预期转弱三重压力。", ["三重"], [0]),
        ("连续十四年未发生重大及以上生产安全事故。", ["连续十四年"], [0]),
        ("PM2.5浓度11.8微克/立方米，G98环岛高速大三亚段扩容工程开工。", ["11.8微克/立方米"], [0]),
        ("深刻领悟“两个确立”的决定性意义。", [], []),
        ("粮食产量连续13年稳定在430亿斤以上。", ["13年", "430亿斤以上"], [0, 1]),
    ],
)
def test_find_numbers(sentence: str, slots: list[str], bounds: list[int]) -> None:
    facts = find_numbers(_sent(sentence))
    assert [f.slot for f in facts] == slots
    assert [f.bound for f in facts] == bounds


@pytest.mark.parametrize(
    ("sentence", "terms"),
    [
        ("扎实做好“六稳”、“六保”工作。", ["六稳", "六保"]),
        ("“放管服”改革取得新进展。", ["放管服"]),
        ("坚持“一提办事就是财政拿钱、就得从财政那里抠钱”的思想。", []),
        ("建立“xx模式”。", []),
    ],
)
def test_find_terms(sentence: str, terms: list[str]) -> None:
    assert [f.term for f in find_terms(_sent(sentence))] == terms


@pytest.mark.parametrize(
    ("line", "term", "definition"),
    [
        ("［15］两新：大规模设备更新和消费品以旧换新。", "两新", "大规模设备更新和消费品以旧换新"),
        ("14.“双招双引”：招才引智、招商引资。", "“双招双引”", "招才引智、招商引资"),
    ],
)
def test_find_note(line: str, term: str, definition: str) -> None:
    note = find_note(_sent(line, glossary=True))
    assert note is not None and (note.term, note.definition) == (term, definition)
    assert find_note(_sent(line)) is None


@pytest.mark.parametrize(
    ("sentence", "items"),
    [
        ("加强铁路、公路、航空、海运、港口等运输保障。", [("铁路", "公路", "航空", "海运", "港口")]),
        ("支持首发经济、银发经济、夜间经济等发展。", [("首发经济", "银发经济", "夜间经济")]),
        ("打通生产、分配、流通、消费各环节。", []),
        ("有些部门、单位不去想办法、不下细功夫、推诿扯皮。", []),
        (
            "做好洪涝干旱、森林草原火灾、地质灾害、地震等防御。",
            [("洪涝干旱", "森林草原火灾", "地质灾害", "地震")],
        ),
    ],
)
def test_find_lists(sentence: str, items: list[tuple[str, ...]]) -> None:
    assert [f.items for f in find_lists(_sent(sentence))] == items


def test_clause_bounds_keep_a_subject_before_the_blank() -> None:
    text = "中央对地方转移支付增加约1.5万亿元、规模近9.8万亿元，增长18%、为多年来最大增幅。"
    start = text.index("18%")
    left, right = clause_bounds(text, start, start + 3)
    assert text[left:right].startswith("中央对地方转移支付") or text[left:start].count("，") >= 1
