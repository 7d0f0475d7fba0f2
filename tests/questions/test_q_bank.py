"""The ceyice.bank/1 format: round trip, byte stability and clear errors."""

import json

import pytest

from questions import Bank, BankFormatError, GeneratorInfo, Kind, Question, Source, dump_bank, load_bank


def _bank() -> Bank:
    questions = [
        Question(
            "q-1",
            Kind.SINGLE_CHOICE,
            "报告指出，城镇新增就业（ ）。",
            ("1044万人", "1244万人"),
            1,
            "城镇新增就业1244万人。",
            "一、回顾",
            "【原文】…",
            2,
            ("number",),
        ),
        Question(
            "q-2",
            Kind.MULTIPLE_CHOICE,
            "报告指出，加强（ ）等运输保障。",
            ("铁路", "公路", "水利"),
            (1, 0),
            "加强铁路、公路等运输保障。",
            "一、回顾",
            "",
            2,
            ("list",),
        ),
        Question(
            "q-3",
            Kind.TRUE_FALSE,
            "报告指出，城镇新增就业1244万人。",
            (),
            True,
            "城镇新增就业1244万人。",
            "一、回顾",
            "",
            1,
            (),
        ),
        Question(
            "q-4",
            Kind.FILL_BLANK,
            "报告指出，做好“（ ）”工作。",
            (),
            ("六稳",),
            "做好“六稳”工作。",
            "一、回顾",
            "",
            2,
            ("slogan",),
        ),
    ]
    return Bank(
        "2024年政府工作报告",
        Source("2024年政府工作报告", "ab" * 32, 1234),
        GeneratorInfo("ceyice", "0.1.0", 0),
        questions,
    )


def test_dump_is_documented_shape_and_loads_back() -> None:
    text = dump_bank(_bank())
    data = json.loads(text)
    assert text.endswith("}\n") and "政府工作报告" in text
    assert list(data) == ["format", "title", "source", "generator", "questions"]
    assert data["format"] == "ceyice.bank/1"
    assert [q["answer"] for q in data["questions"]] == [1, [0, 1], True, ["六稳"]]
    assert list(data["questions"][0]) == [
        "id",
        "kind",
        "stem",
        "options",
        "answer",
        "evidence",
        "section",
        "explanation",
        "difficulty",
        "tags",
    ]
    assert dump_bank(load_bank(text)) == text


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d.update(format="ceyice.bank/2"), "ceyice.bank/1"),
        (lambda d: d.pop("source"), "source"),
        (lambda d: d["questions"][0].update(kind="essay"), "题型"),
        (lambda d: d["questions"][0].update(answer=True), "单选题"),
        (lambda d: d["questions"][1].update(answer=[]), "多选题"),
        (lambda d: d["questions"][2].update(answer="true"), "判断题"),
        (lambda d: d["questions"][3].update(answer=""), "填空题"),
        (lambda d: d["questions"][0].update(difficulty=5), "难度"),
        (lambda d: d["questions"][1].update(id="q-1"), "重复"),
        (lambda d: d["questions"][0].pop("stem"), "stem"),
    ],
)
def test_bad_bank_is_refused_in_chinese(mutate, fragment: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(dump_bank(_bank()))
    mutate(data)
    with pytest.raises(BankFormatError) as caught:
        load_bank(json.dumps(data, ensure_ascii=False))
    assert fragment in caught.value.message


@pytest.mark.parametrize("text", ["", "not json", "[]", "null"])
def test_non_json_is_refused(text: str) -> None:
    with pytest.raises(BankFormatError):
        load_bank(text)


def test_from_dict_refuses_non_object() -> None:
    with pytest.raises(BankFormatError):
        Question.from_dict(["q"])
