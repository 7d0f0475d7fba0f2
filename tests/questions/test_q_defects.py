"""Defects found reading the sample banks, each pinned on the real sentence it came from."""

import random
from dataclasses import replace

import pytest

from questions.build import Context, Draft, build_note_item, build_term, lead
from questions.build_facts import build_match
from questions.checks import fragment, near_key, reveals
from questions.extract.enums import PARALLEL, MatchFact, find_enumerations
from questions.extract.lists import find_lists
from questions.extract.terms import find_note, find_terms, note_items
from questions.kinds import Kind
from questions.sentences import Sent, clause_bounds, iter_sentences
from questions.structure import parse_document
from questions.text import quoted
from questions.validate import evidence_problems, validate_question


def _sent(text: str, *, top: str = "一、回顾", glossary: bool = False) -> Sent:
    return Sent(text=text, section=top, top=top, order=0, glossary=glossary, target=False, whole=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年和“十四五”时期工作回顾", "“2025年和‘十四五’时期工作回顾”"),
        ("“十五五”时期主要目标任务", "“‘十五五’时期主要目标任务”"),
        ("2021年工作回顾", "“2021年工作回顾”"),
    ],
)
def test_quoted_text_turns_inner_quotes_single(text: str, expected: str) -> None:
    assert quoted(text) == expected


def test_stem_naming_a_part_with_quotes_nests_single_quotes() -> None:
    ctx = Context(title_ref="2026年海南省《政府工作报告》", text="")
    sent = _sent("刚刚过去的2025年，是“十四五”收官之年。", top="一、2025年和“十四五”时期工作回顾")
    assert lead(ctx, sent) == "2026年海南省《政府工作报告》在“2025年和‘十四五’时期工作回顾”部分指出，"


@pytest.mark.parametrize(
    ("text", "slot", "excerpt"),
    [
        # A clause opening with 实际上也是 / 其中 leans on the clause before it.
        (
            "实践表明，减税降费是助企纾困直接有效的办法，实际上也是“放水养鱼”、涵养税源，2013年以来新增的涉税市场主体去年纳税达到4.76万亿元。",
            "放水养鱼",
            "减税降费是助企纾困直接有效的办法，实际上也是“放水养鱼”、涵养税源",
        ),
        # 对…等 has its verb after the comma.
        (
            "当前，突出的是要抓好206国道改造、潍河治理、城东新区基础设施等几项大的工程，对财政收入、工业利税、外贸出口、招商引资等一些主要经济指标，加强协调调度，确保圆满完成全年任务。",
            "工业利税",
            "对财政收入、工业利税、外贸出口、招商引资等一些主要经济指标，加强协调调度",
        ),
        # A subject followed by ，是… is no claim on its own.
        (
            "“十五五”时期，是基本实现社会主义现代化夯实基础、全面发力的关键时期，是高标准建设海南自由贸易港夯基垒台、跨越发展的关键时期。",
            "十五五",
            "“十五五”时期，是基本实现社会主义现代化夯实基础、全面发力的关键时期",
        ),
        # Widening never opens inside a quotation.
        (
            "现在，工作重点已经非常明确，就是“全党抓经济，重点抓工业，关键抓投入，突出抓招商”，就是加快实施工业化、民营化、国际化、城镇化“四化”战略。",
            "四化",
            "工作重点已经非常明确，就是“全党抓经济，重点抓工业，关键抓投入，突出抓招商”，就是加快实施工业化、民营化、国际化、城镇化“四化”战略",
        ),
    ],
    ids=["connective", "preposition", "subject", "quotation"],
)
def test_clause_bounds_keep_what_the_clause_leans_on(text: str, slot: str, excerpt: str) -> None:
    start = text.index(slot)
    left, right = clause_bounds(text, start, start + len(slot))
    assert text[left:right] == excerpt


def _term_draft(sentence: str, term: str, kind: Kind, *, truth: bool = True, terms: tuple[str, ...] = ()) -> Draft:
    sent = _sent(sentence)
    fact = next(f for f in find_terms(sent) if f.term == term)
    ctx = Context(title_ref="《报告》", text=sentence, terms=[term, *terms])
    draft = build_term(ctx, fact, kind, random.Random(0), truth=truth)
    assert draft is not None
    return draft


@pytest.mark.parametrize(
    ("sentence", "term", "kind", "expected"),
    [
        ("坚持“一链一策”。", "一链一策", Kind.FILL_BLANK, True),
        ("推进“双碳”工作。", "双碳", Kind.FILL_BLANK, True),
        ("实行“一网通办”。", "一网通办", Kind.TRUE_FALSE, True),
        ("推进社会救助“一件事”。", "一件事", Kind.TRUE_FALSE, True),
        ("各级政府要大力支持国防和军队建设，深入开展“双拥”活动。", "双拥", Kind.FILL_BLANK, False),
        ("继续开展国务院大督查，深入实施“互联网+督查”。", "互联网+督查", Kind.FILL_BLANK, False),
    ],
)
def test_a_term_with_nothing_around_it_is_not_asked(sentence: str, term: str, kind: Kind, expected: bool) -> None:
    assert fragment(_term_draft(sentence, term, kind)) is expected


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ("“十五五”时期", True),
        ("《纲要》提出“十五五”时期海南经济社会发展的奋斗目标是", True),
        ("省政府编制了《纲要（草案）》，提请本次大会审查的", True),
        ("实现“十五五”目标，必须做到“八个聚焦”", False),
        ("粮食总产达456.1亿斤", False),
        ("推进“一村（格）一警”全覆盖，严厉打击电信诈骗等违法犯罪行为", False),
    ],
)
def test_statements_that_lost_their_predicate_are_fragments(claim: str, expected: bool) -> None:
    draft = _term_draft("刚刚过去的2025年，是“十四五”收官之年。", "十四五", Kind.TRUE_FALSE)
    assert fragment(replace(draft, claim=claim, context=None)) is expected


@pytest.mark.parametrize(
    "sentence",
    [
        "对护林员考核为巡护时间、巡护路程、上报事件、事件上报率等是否到位）。",
        "其中地区生产总值年均增长5%左右。",
    ],
)
def test_stems_with_an_open_bracket_or_a_leaning_opening_are_fragments(sentence: str) -> None:
    sent = _sent(sentence)
    ctx = Context(title_ref="《报告》", text=sentence)
    from questions.build import _tf

    draft = _tf(ctx, sent, (0, 2), None, ("number",), random.Random(0))
    assert draft is not None and fragment(draft)


def test_a_statement_ending_on_a_colon_reads_as_a_claim() -> None:
    draft = _term_draft("实现“十五五”目标，必须做到“八个聚焦”：", "八个聚焦", Kind.TRUE_FALSE)
    assert draft.question.stem.endswith("必须做到“八个聚焦”。")
    assert not fragment(draft)


def test_a_kept_and_a_swapped_statement_of_one_claim_are_the_same_question() -> None:
    sentence = "推动能耗“双控”向碳排放总量和强度“双控”转变，完善减污降碳激励约束政策，发展绿色金融。"
    sent = _sent(sentence)
    fact = find_terms(sent)[0]
    ctx = Context(title_ref="《报告》", text=sentence, terms=["双控", "双拥", "双碳"])
    kept = build_term(ctx, fact, Kind.TRUE_FALSE, random.Random(0), truth=True)
    assert kept is not None
    # Swapping one of two 双控 would read 能耗“双拥”向…“双控”转变: never built.
    assert build_term(ctx, fact, Kind.TRUE_FALSE, random.Random(0), truth=False) is None
    swapped = _term_draft("推动能耗“双控”制度改革。", "双控", Kind.TRUE_FALSE, truth=False, terms=("双拥", "双碳"))
    assert swapped.question.answer is False
    assert near_key(swapped) == near_key(replace(swapped, question=replace(swapped.question, stem="x")))


def test_two_term_clozes_of_one_sentence_that_show_each_others_answer() -> None:
    sentence = "各方面要共同努力，装满“米袋子”、充实“菜篮子”，把14亿多中国人的饭碗牢牢端在自己手中。"
    first = _term_draft(sentence, "米袋子", Kind.FILL_BLANK)
    second = _term_draft(sentence, "菜篮子", Kind.FILL_BLANK)
    assert reveals(second, [first])
    statement = _term_draft(sentence, "菜篮子", Kind.TRUE_FALSE)
    assert not reveals(statement, [first])


@pytest.mark.parametrize(
    ("sentence", "items"),
    [
        (
            "扩大碳汇林规模，对于现有商品林、公益林、天然林等，通过加强森林抚育、低产低效林改造、补植补种等措施提高森林碳汇总量。",
            [("商品林", "公益林", "天然林"), ("森林抚育", "低产低效林改造", "补植补种")],
        ),
    ],
)
def test_a_preposition_before_the_first_item_is_trimmed(sentence: str, items: list[tuple[str, ...]]) -> None:
    assert [f.items for f in find_lists(_sent(sentence))] == items


_FOCUS = """2026年政府工作报告
一、“十五五”时期主要目标任务
实现“十五五”目标，必须做到“八个聚焦”：
聚焦对外开放，高标准建设海南自由贸易港。
全面落实海南自由贸易港建设总体方案，深入实施海南自由贸易港法。
聚焦高质量发展，打造具有海南特色和优势的现代化产业体系。
以新发展理念为引领，坚持智能化、绿色化、融合化方向。
聚焦教育科技人才一体化，建设人才荟萃之岛、技术创新之岛。
聚焦陆海统筹，加快再造一个“海上海南”。
聚焦协调联动，助力全国构建新发展格局。
聚焦生态文明，厚植绿色发展底色。
聚焦民生福祉，增强人民群众获得感。
聚焦风险防控，创建高度开放条件下全国最安全地区。
"""


def test_paragraphs_after_a_counted_introduction_are_one_list() -> None:
    document = parse_document(_FOCUS)
    (enum,) = find_enumerations(document, list(iter_sentences(document)))
    assert enum.source == PARALLEL and len(enum.items) == 8
    assert enum.items[3] == "聚焦陆海统筹" and enum.tails[3] == "加快再造一个“海上海南”"
    # The stated count must match: seven paragraphs under “八个聚焦” are not known to be the whole list.
    short = _FOCUS.replace("聚焦风险防控，创建高度开放条件下全国最安全地区。\n", "")
    document = parse_document(short)
    assert find_enumerations(document, list(iter_sentences(document))) == []


@pytest.mark.parametrize("seed", range(6))
def test_a_list_without_siblings_is_asked_which_continuation_follows_an_item(seed: int) -> None:
    document = parse_document(_FOCUS)
    ctx = Context(title_ref="2026年《政府工作报告》", text=_FOCUS)
    ctx.enums = find_enumerations(document, list(iter_sentences(document)))
    draft = build_match(ctx, MatchFact(ctx.enums[0]), Kind.SINGLE_CHOICE, random.Random(seed))
    assert draft is not None
    q = draft.question
    assert "提出的“八个聚焦”中，紧接“聚焦" in q.stem
    assert validate_question(q, source_text=_FOCUS) == []
    wrong = replace(q, answer=(int(q.answer) + 1) % 4)  # type: ignore[call-overload]
    assert evidence_problems(wrong, _FOCUS)


@pytest.mark.parametrize(
    ("line", "asked"),
    [
        ("［11］四库：水库、粮库、钱库、碳库。", True),
        ("［23］金融“五篇大文章”：科技金融、绿色金融、普惠金融、养老金融、数字金融。", True),
        ("［22］三资：农村集体所有的资金、资产、资源。", False),  # items of very different length
        ("［1］一降三减：全年火灾起数总体下降，火灾亡人数、伤人数减少，财产损失数减少。", False),
    ],
)
def test_a_glossary_list_is_asked_item_by_item(line: str, asked: bool) -> None:
    sent = _sent(line, top="注释", glossary=True)
    note = find_note(sent)
    assert note is not None
    items = note_items(note)
    assert (items is not None) is asked
    if items is not None:
        ctx = Context(title_ref="《报告》", text=line)
        draft = build_note_item(ctx, items, Kind.FILL_BLANK, random.Random(1))
        assert draft is not None and "（ ）" in draft.question.stem
        assert draft.question.answer[0] in note.items  # type: ignore[index]
        assert validate_question(draft.question, source_text=line) == []
