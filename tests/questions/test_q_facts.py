"""Extractors and builders for enumerations, from→to changes, 分别 pairs and record claims, on real sentences."""

import random

import pytest

from questions.build import Context
from questions.build_facts import build_change, build_enum, build_pair, build_record
from questions.extract.changes import find_changes
from questions.extract.enums import BULLET, HEADING, ORDINAL, find_enumerations
from questions.extract.pairs import find_pairs
from questions.extract.records import find_records
from questions.kinds import Kind
from questions.sentences import Sent, iter_sentences
from questions.structure import parse_document
from questions.validate import evidence_problems, validate_question


def _sent(text: str) -> Sent:
    return Sent(text=text, section="一、回顾", top="一、回顾", order=0, glossary=False, target=False, whole=True)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("进口“零关税”商品税目比例由21%提升至74%。", [("21%", "74%", 1)]),
        ("将科技型中小企业加计扣除比例从75%提高到100%。", [("75%", "100%", 1)]),
        ("市政府工作部门由42个减少到35个。", [("42个", "35个", -1)]),
        ("城镇调查失业率由5.6%降至5.2%。", [("5.6%", "5.2%", -1)]),
        ("对小微企业年应纳税所得额100万元至300万元部分，再减半征收企业所得税。", []),
        ("地区生产总值由5%提高到4%。", []),  # the verb and the values disagree: not a fact we can trust
    ],
)
def test_find_changes(sentence: str, expected: list[tuple[str, str, int]]) -> None:
    facts = find_changes(_sent(sentence))
    assert [(f.old.slot, f.new.slot, f.direction) for f in facts] == expected


@pytest.mark.parametrize(
    ("sentence", "items", "values"),
    [
        (
            "外贸进出口增长2.7%，集成电路、汽车零配件、锂电池出口分别增长107.9%、46.7%、57.4%，“赣出精品”加速走向世界。",
            ("集成电路", "汽车零配件", "锂电池出口"),
            ("107.9%", "46.7%", "57.4%"),
        ),
        ("生产安全事故起数、死亡人数分别下降38.3%、17.9%。", ("生产安全事故起数", "死亡人数"), ("38.3%", "17.9%")),
        (
            "金融机构本外币存、贷款余额分别突破1.5万亿元、1.4万亿元。",
            ("金融机构本外币存", "贷款余额"),
            ("1.5万亿元", "1.4万亿元"),
        ),
        ("力争电子信息、有色金属、装备制造业产业规模分别达1.28万亿、1.18万亿、8200亿元。", None, None),
        ("海口、五指山分别入选全国首批美丽城市先行区、美丽乡村先行区。", None, None),
    ],
)
def test_find_pairs(sentence: str, items: tuple[str, ...] | None, values: tuple[str, ...] | None) -> None:
    facts = find_pairs(_sent(sentence))
    if items is None:
        assert facts == []
    else:
        assert [(f.items, tuple(v.slot for v in f.values)) for f in facts] == [(items, values)]


@pytest.mark.parametrize(
    ("sentence", "markers", "things"),
    [
        ("全国首个国际船舶登记管理局落地运行。", ["首个"], ["国际船舶登记管理局"]),
        ("洋浦石化新材料成为首个千亿级先进制造业产业集群。", ["首个"], ["千亿级先进制造业产业集群"]),
        ("国家级制造业单项冠军示范企业实现零的突破。", ["零的突破"], [""]),
        ("全国唯一新型显示技术国家标准验证点落地。", ["唯一"], ["新型显示技术国家标准验证点"]),
        ("实现第一个百年奋斗目标。", [], []),
        ("落地首单洋浦扩区保税维修业务，首票发动机维修业务落地。", [], []),
    ],
)
def test_find_records(sentence: str, markers: list[str], things: list[str]) -> None:
    facts = find_records(_sent(sentence))
    assert [f.marker for f in facts] == markers
    assert [f.thing for f in facts] == things


_REPORT = """2030年政府工作报告
一、过去一年工作回顾
过去一年，主要做了以下工作：一是稳定经济大盘，增长5%；二是深化重点改革，激发活力；三是扩大对外开放，外资增长；四是保障改善民生，就业稳定。
——经济运行稳中有进。地区生产总值增长5%。
——改革开放不断深化。外资增长。
——民生保障更加有力。就业稳定。
二、今年重点工作
（一）扩大有效投资。推进重大项目。
（二）培育新兴产业。发展数字经济。
（三）推动乡村振兴。稳定粮食生产。
（四）加强生态保护。改善水环境。
"""


def _doc_enums() -> tuple[Context, list]:
    document = parse_document(_REPORT)
    sents = list(iter_sentences(document))
    ctx = Context(title_ref="2030年《政府工作报告》", text=_REPORT)
    ctx.enums = find_enumerations(document, sents)
    return ctx, ctx.enums


def test_enumerations_of_every_style_are_found() -> None:
    _, enums = _doc_enums()
    assert [(e.source, e.items) for e in enums] == [
        (ORDINAL, ("稳定经济大盘", "深化重点改革", "扩大对外开放", "保障改善民生")),
        (BULLET, ("经济运行稳中有进", "改革开放不断深化", "民生保障更加有力")),
        (HEADING, ("扩大有效投资", "培育新兴产业", "推动乡村振兴", "加强生态保护")),
    ]
    assert enums[0].label == "主要做了以下工作"
    assert enums[2].label == "今年重点工作"


@pytest.mark.parametrize("seed", range(6))
def test_list_questions_take_outsiders_from_sibling_lists_and_verify(seed: int) -> None:
    ctx, enums = _doc_enums()
    for enum in enums:
        for kind in (Kind.MULTIPLE_CHOICE, Kind.SINGLE_CHOICE):
            draft = build_enum(ctx, enum, kind, random.Random(seed))
            assert draft is not None
            q = draft.question
            assert validate_question(q, source_text=_REPORT) == []
            keys = {q.options[i] for i in (q.answer if isinstance(q.answer, tuple) else (q.answer,))}
            outsiders = set(q.options) - keys if kind is Kind.MULTIPLE_CHOICE else keys
            members = set(enum.items)
            assert not outsiders & members
            assert outsiders <= {i for e in enums if e is not enum for i in e.items}


def test_a_negative_question_whose_key_is_stated_is_rejected() -> None:
    ctx, enums = _doc_enums()
    draft = build_enum(ctx, enums[2], Kind.SINGLE_CHOICE, random.Random(0))
    assert draft is not None
    q = draft.question
    wrong = q.options[(q.answer + 1) % 4]
    from dataclasses import replace

    assert evidence_problems(replace(q, answer=q.options.index(wrong)), _REPORT)


def test_change_distractors_stay_on_the_side_the_verb_says() -> None:
    sent = _sent("进口“零关税”商品税目比例由21%提升至74%。")
    (fact,) = find_changes(sent)
    ctx = Context(title_ref="《报告》", text=sent.text)
    for seed in range(20):
        draft = build_change(ctx, fact, Kind.SINGLE_CHOICE, random.Random(seed), truth=True)
        assert draft is not None
        values = [float(o.rstrip("%")) for o in draft.question.options]
        asked_new = "提升至（ ）" in draft.question.stem
        assert all(v > 21 for v in values) if asked_new else all(v < 74 for v in values)
        assert validate_question(draft.question, source_text=sent.text) == []


@pytest.mark.parametrize("seed", range(8))
def test_pair_questions_offer_the_other_items_values(seed: int) -> None:
    text = (
        "进口货值、免签入境游客、国际航行船舶进出、新增外资企业、离岛免税销售额分别增长38.9%、64%、19.6%、13%、46.8%。"
    )
    (fact,) = find_pairs(_sent(text))
    ctx = Context(title_ref="《报告》", text=text)
    choice = build_pair(ctx, fact, Kind.SINGLE_CHOICE, random.Random(seed), truth=True)
    assert choice is not None
    q = choice.question
    assert set(q.options) <= {v.slot for v in fact.values}
    assert validate_question(q, source_text=text) == []
    wrong = (q.answer + 1) % len(q.options)
    from dataclasses import replace

    assert evidence_problems(replace(q, answer=wrong), text)  # another item's value is caught
    swapped = build_pair(ctx, fact, Kind.TRUE_FALSE, random.Random(seed), truth=False)
    assert swapped is not None and swapped.question.answer is False
    assert validate_question(swapped.question, source_text=text) == []


def test_record_claims_are_demoted_for_false_statements() -> None:
    text = "全国首个国际船舶登记管理局落地运行。"
    (fact,) = find_records(_sent(text))
    ctx = Context(title_ref="《报告》", text=text)
    false = build_record(ctx, fact, Kind.TRUE_FALSE, random.Random(0), truth=False)
    assert false is not None and "全国第二个国际船舶登记管理局" in false.question.stem
    fill = build_record(ctx, fact, Kind.FILL_BLANK, random.Random(0), truth=True)
    assert fill is not None and fill.question.answer == ("国际船舶登记管理局",)
    for draft in (false, fill):
        assert validate_question(draft.question, source_text=text) == []
