"""Grading of each kind, including malformed responses and partial credit."""

import pytest

from questions import KIND_LABELS, Kind, grade, normalise_fill


def test_labels_cover_every_kind() -> None:
    assert KIND_LABELS == {
        Kind.SINGLE_CHOICE: "单选题",
        Kind.MULTIPLE_CHOICE: "多选题",
        Kind.TRUE_FALSE: "判断题",
        Kind.FILL_BLANK: "填空题",
    }


@pytest.mark.parametrize(
    ("kind", "answer", "response", "partial", "expected"),
    [
        ("single_choice", 2, 2, False, 1.0),
        ("single_choice", 2, 1, False, 0.0),
        ("single_choice", 1, True, False, 0.0),
        ("single_choice", 2, "2", False, 0.0),
        ("multiple_choice", [0, 2], [2, 0], False, 1.0),
        ("multiple_choice", [0, 2], [2, 0, 2], False, 1.0),
        ("multiple_choice", [0, 2, 3], [0], False, 0.0),
        ("multiple_choice", [0, 2, 3], [0], True, pytest.approx(1 / 3)),
        ("multiple_choice", [0, 2, 3], [0, 2], True, pytest.approx(2 / 3)),
        ("multiple_choice", [0, 2, 3], [0, 1], True, 0.0),
        ("multiple_choice", [0, 2], [], True, 0.0),
        ("multiple_choice", [0, 2], "02", True, 0.0),
        ("true_false", True, True, False, 1.0),
        ("true_false", False, True, False, 0.0),
        ("true_false", False, 0, False, 0.0),
        ("fill_blank", ["六稳"], "六稳", False, 1.0),
        ("fill_blank", ["六稳"], " “六稳”。", False, 1.0),
        ("fill_blank", ["1244", "1244万人"], "１２４４", False, 1.0),
        ("fill_blank", ["1244", "1244万人"], "1244万人", False, 1.0),
        ("fill_blank", ["5.5"], "5.5", False, 1.0),
        ("fill_blank", ["5.5"], "55", False, 0.0),
        ("fill_blank", ["两个确立"], "2个确立", False, 1.0),
        ("fill_blank", ["14"], "十四", False, 1.0),
        ("fill_blank", ["放管服"], "放、管、服", False, 1.0),
        ("fill_blank", ["放管服"], "", False, 0.0),
        ("fill_blank", ["放管服"], ["放管服"], False, 1.0),
        ("fill_blank", ["放管服"], 3, False, 0.0),
        ("unknown", 1, 1, False, 0.0),
    ],
)
def test_grade(kind: str, answer: object, response: object, partial: bool, expected: float) -> None:
    assert grade(kind, answer, response, partial_credit=partial) == expected


@pytest.mark.parametrize("response", [None, object(), {"a": 1}, [None], b"\x00"])
@pytest.mark.parametrize("kind", list(Kind))
def test_malformed_response_scores_zero(kind: Kind, response: object) -> None:
    answers = {
        Kind.SINGLE_CHOICE: 0,
        Kind.MULTIPLE_CHOICE: [0, 1],
        Kind.TRUE_FALSE: True,
        Kind.FILL_BLANK: ["六稳"],
    }
    assert grade(kind, answers[kind], response) == 0.0


def test_normalise_fill_keeps_chinese_punctuation_meaning_not_nfkc() -> None:
    assert normalise_fill("ＡＢｃ　１２％") == "abc12%"
    assert normalise_fill("城镇新增就业，1244万人。") == "城镇新增就业1244万人"
