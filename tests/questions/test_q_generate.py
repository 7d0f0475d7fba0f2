"""generate() as the app calls it: kinds, progress, limits, errors, and re-validation of hand edits."""

from dataclasses import replace

import pytest

from questions import Kind, QuestionsError, generate, validate_question
from questions.distractors import number_options
from questions.extract.numbers import find_numbers
from questions.sentences import Sent

REPORT = """2024年政府工作报告
——2024年3月5日在第十四届全国人民代表大会第二次会议上
各位代表：
一、2023年工作回顾
国内生产总值超过126万亿元，增长5.2%。城镇新增就业1244万人，年末城镇调查失业率为5.1%。
粮食产量1.39万亿斤，增产1.3%。扎实做好“六稳”、“六保”工作。加强铁路、公路、航空、海运、港口等运输保障。
“放管服”改革取得新进展。新开工改造城镇老旧小区5.3万个。支持首发经济、银发经济、冰雪经济等发展。
二、2024年经济社会发展总体要求和政策取向
今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上，城镇调查失业率5.5%左右。
坚持“两个毫不动摇”。居民消费价格涨幅3%左右。推进“一网通办”。优化营商环境，推动建设、制造、交通等行业转型。
三、2024年政府工作任务
今年拟安排地方政府专项债券3.9万亿元。赤字率拟按3%安排。实施“人工智能+”行动。发展夜间经济、数字经济、低空经济等新业态。
"""


def test_generate_small_report() -> None:
    seen: list[tuple[int, int, str]] = []
    result = generate(REPORT, seed=3, progress=lambda d, t, s: seen.append((d, t, s)))
    bank = result.bank
    assert bank.title == "2024年政府工作报告"
    assert bank.questions and all(q.id.startswith("q-") for q in bank.questions)
    assert len({q.id for q in bank.questions}) == len(bank.questions)
    assert all(q.stem.startswith("2024年《政府工作报告》") for q in bank.questions)
    assert seen[-1][0] == seen[-1][1] and seen[-1][2] == "完成"
    assert result.stats.uncovered == []
    assert "共生成" in result.stats.summary()


def test_different_seeds_give_different_banks() -> None:
    first = generate(REPORT, seed=1).bank.questions
    second = generate(REPORT, seed=2).bank.questions
    assert [q.id for q in first] != [q.id for q in second]


def test_max_questions_keeps_every_section() -> None:
    result = generate(REPORT, seed=0, max_questions=3)
    assert len(result.bank.questions) == 3
    assert len({q.section.split("、")[0] for q in result.bank.questions}) == 3


@pytest.mark.parametrize("text", ["", "   \n\n"])
def test_empty_text_is_a_clear_error(text: str) -> None:
    with pytest.raises(QuestionsError):
        generate(text)


def test_hand_edit_with_wrong_key_is_caught() -> None:
    question = next(q for q in generate(REPORT, seed=0).bank.questions if q.kind is Kind.SINGLE_CHOICE)
    assert validate_question(question, source_text=REPORT) == []
    wrong = replace(question, answer=(int(question.answer) + 1) % len(question.options))  # type: ignore[call-overload]
    assert validate_question(wrong, source_text=REPORT)
    assert validate_question(wrong) == []  # without the source only the shape can be checked


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"options": ("甲", "甲")}, "重复"),
        ({"answer": 9}, "选项序号"),
        ({"stem": "没有作答位置"}, "作答位置"),
        ({"options": ("x件", "3件")}, "占位符"),
        ({"evidence": "报告里没有这句话。"}, "原句"),
    ],
)
def test_validate_question_names_the_problem(change: dict[str, object], fragment: str) -> None:
    question = next(q for q in generate(REPORT, seed=0).bank.questions if q.kind is Kind.SINGLE_CHOICE)
    problems = validate_question(replace(question, **change), source_text=REPORT)  # type: ignore[arg-type]
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    ("sentence", "allowed"),
    [
        ("城镇新增就业1244万人。", None),
        ("市场主体总量超过1.5亿户。", "above"),
        ("城镇调查失业率控制在5.5%以内。", "below"),
    ],
)
def test_number_distractors_are_never_implied_by_the_text(sentence: str, allowed: str | None) -> None:
    import random

    fact = find_numbers(Sent(sentence, "", "", 0, False, False))[0]
    for seed in range(20):
        options = number_options(fact, random.Random(seed), forbidden=set())
        assert options is not None and fact.slot in options and len(set(options)) == 4
        key = options.index(fact.slot)
        if allowed == "above":
            assert key == 0
        if allowed == "below":
            assert key == 3
