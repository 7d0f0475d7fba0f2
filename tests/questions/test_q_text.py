"""Cleaning of real-world text and sentence splitting, on lines taken from real reports and seeds."""

import pytest

from questions import normalise_text
from questions.text import has_placeholder, split_sentences


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("各位代表：\r\n现在，我代表国务院。\r\n", "各位代表：\n现在，我代表国务院。\n"),
        ("城镇新增就业１２４４万人，增长５．１％。", "城镇新增就业1244万人，增长5.1%。\n"),
        ("..... 3 3. 加强考核督办。\n正文。", "正文。\n"),
        ("工作来看，主要表现在以下四个方面：?\n一是…。?", "工作来看，主要表现在以下四个方面：\n一是…。\n"),
        (
            "行政复议案件纠错率 x%□\n成立由常务副市长任组长□x 家单位",
            "行政复议案件纠错率x%。\n成立由常务副市长任组长，x家单位\n",
        ),
        ("本文档由站牛网zhann.net收集整理，更多优质范文文档请移步zhann.net站内查找\n正文。", "正文。\n"),
        ("下载\n打印\n【字号：\n加大\n】\n正文。\n相关报道：\n", "正文。\n"),
        ("## 3. 加强考核督办。\n**重点**工作", "3.加强考核督办。\n重点工作\n"),
        ("2019 年，xx 市认真贯彻", "2019年，xx市认真贯彻\n"),
        ("市政府工作部门由  个减少到   个", "市政府工作部门由＿个减少到＿个\n"),
        ("［15］两新：\n大规模设备更新和消费品以旧换新。", "［15］两新：大规模设备更新和消费品以旧换新。\n"),
        ("　12\n- 3 -\n正文", "正文\n"),
        ("", ""),
    ],
)
def test_normalise_text(raw: str, clean: str) -> None:
    assert normalise_text(raw) == clean


@pytest.mark.parametrize(
    "raw",
    ["一、回顾\r\n城镇新增就业１２４４万人□\n", "## 标题\n由  个?减少\n［1］一降三减：\n全年火灾起数下降。"],
)
def test_normalise_text_is_idempotent(raw: str) -> None:
    once = normalise_text(raw)
    assert normalise_text(once) == once


def test_chinese_punctuation_is_kept() -> None:
    assert normalise_text("“放管服”改革：取得新进展！（一）") == "“放管服”改革：取得新进展！（一）\n"


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        (
            "国内生产总值达到114万亿元，增长8.1%。全国财政收入突破20万亿元。",
            ["国内生产总值达到114万亿元，增长8.1%。", "全国财政收入突破20万亿元。"],
        ),
        ("他说：“要稳字当头。”我们照办；没有问题！", ["他说：“要稳字当头。”", "我们照办；", "没有问题！"]),
        ("没有句号的标题", ["没有句号的标题"]),
    ],
)
def test_split_sentences(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("共审查政府合同x件", True),
        ("任组长□x家", True),
        ("xx市", True),
        ("×市", True),
        ("由＿个减少", True),
        ("PM2.5浓度11.8微克/立方米", False),
        ("Essential Science Indicators", False),
        ("5G-A", False),
    ],
)
def test_placeholders(text: str, expected: bool) -> None:
    assert has_placeholder(text) is expected
