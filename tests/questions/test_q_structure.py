"""Title, header and section tree of real report layouts."""

from questions import normalise_text, parse_document

PROVINCIAL = """政府工作报告
——2026年1月27日在海南省第七届人民代表大会第五次会议上
海南省省长 刘小明
各位代表：
现在，我代表海南省人民政府，向大会报告工作。
一、2025年工作回顾
这一年，我们感恩奋进，封关运作如期实现。
二、2026年主要工作
（一）聚力促进更高水平开放
推动自由贸易港政策红利加速释放。
（二）聚焦加快构建现代化产业体系，深化实施“1269”行动计划。坚持智能化、绿色化方向。
注释
［1］一降三减：
全年火灾起数总体下降。
"""


def test_provincial_layout() -> None:
    document = parse_document(normalise_text(PROVINCIAL))
    assert document.title == "政府工作报告"
    assert document.header == ["——2026年1月27日在海南省第七届人民代表大会第五次会议上", "海南省省长刘小明"]
    headings = [(s.heading, s.level) for s in document.sections]
    assert headings == [
        ("前言", 1),
        ("一、2025年工作回顾", 1),
        ("二、2026年主要工作", 1),
        ("（一）聚力促进更高水平开放", 2),
        ("（二）聚焦加快构建现代化产业体系，深化实施“1269”行动计划", 2),
        ("注释", 1),
    ]
    assert document.sections[4].path == (
        "二、2026年主要工作",
        "（二）聚焦加快构建现代化产业体系，深化实施“1269”行动计划",
    )
    assert document.sections[4].paragraphs == ["坚持智能化、绿色化方向。"]
    assert document.sections[5].paragraphs == ["［1］一降三减：全年火灾起数总体下降。"]


def test_untitled_report_starts_with_preface() -> None:
    document = parse_document("各位代表：\n现在，我代表国务院。\n一、2021年工作回顾\n过去一年。\n")
    assert document.title == ""
    assert [s.heading for s in document.sections] == ["前言", "一、2021年工作回顾"]


def test_parenthesised_numbers_are_top_level_when_nothing_is_above_them() -> None:
    document = parse_document("（一）加强组织领导\n正文一。\n1. 健全制度。\n正文二。\n（二）深化改革\n正文三。\n")
    assert [(s.heading, s.level) for s in document.sections] == [
        ("（一）加强组织领导", 1),
        ("1. 健全制度", 2),
        ("（二）深化改革", 1),
    ]


def test_numbered_notes_with_colons_are_paragraphs() -> None:
    text = "一、回顾\n正文。\n附件\n1.“两新”：大规模设备更新和消费品以旧换新。\n2.“两重”：国家重大战略实施。\n"
    document = parse_document(text)
    assert [s.heading for s in document.sections] == ["一、回顾", "附件"]
    assert len(document.sections[1].paragraphs) == 2
