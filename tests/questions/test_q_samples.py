"""Targets on the real samples, and golden banks (regenerate with UPDATE_GOLDEN=1, then review the diff)."""

import os
from functools import cache
from pathlib import Path

import pytest
from conftest import GOLDEN

from questions import (
    GenerationResult,
    Kind,
    dump_bank,
    generate,
    normalise_text,
    read_report,
    validate_question,
)
from questions.metrics import key_positions, outsider_sources
from questions.text import has_placeholder

pytestmark = pytest.mark.shared


@cache
def _run(path: Path) -> tuple[str, GenerationResult]:
    raw = read_report(path.read_bytes(), path.name)
    return normalise_text(raw), generate(raw, seed=0)


def test_every_key_is_verified_against_its_evidence(sample: Path) -> None:
    text, result = _run(sample)
    for question in result.bank.questions:
        assert validate_question(question, source_text=text) == [], question


def test_no_placeholder_in_any_key_or_option(sample: Path) -> None:
    _, result = _run(sample)
    for q in result.bank.questions:
        answers = [a for a in q.answer if isinstance(a, str)] if isinstance(q.answer, tuple) else []
        assert not any(has_placeholder(t) for t in [*q.options, *answers]), q


def test_every_top_level_section_with_facts_is_covered(sample: Path) -> None:
    _, result = _run(sample)
    assert result.stats.uncovered == []


def test_true_false_is_balanced(sample: Path) -> None:
    _, result = _run(sample)
    assert result.stats.true_share is not None
    assert 0.4 <= result.stats.true_share <= 0.6


def test_reports_give_three_questions_per_thousand_characters(sample: Path) -> None:
    if "reports" not in sample.parts:
        pytest.skip("the density target applies to reports")
    _, result = _run(sample)
    assert len(result.bank.questions) * 1000 / result.stats.chars >= 3


def test_reports_use_every_kind(sample: Path) -> None:
    if "reports" not in sample.parts:
        pytest.skip("seeds are too small to promise every kind")
    _, result = _run(sample)
    assert {q.kind for q in result.bank.questions} == set(Kind)


def test_same_input_and_seed_give_identical_bytes(sample: Path) -> None:
    _, result = _run(sample)
    again = generate(sample.read_text("utf-8"), seed=0)
    assert dump_bank(again.bank) == dump_bank(result.bank)


def test_bank_matches_golden_file(sample: Path) -> None:
    _, result = _run(sample)
    golden = GOLDEN / f"{sample.stem}.json"
    text = dump_bank(result.bank)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), "no golden file yet: run UPDATE_GOLDEN=1 pytest tests/questions"
    assert text == golden.read_text("utf-8"), "bank changed: review, then UPDATE_GOLDEN=1 pytest tests/questions"


def test_choice_keys_are_spread_over_the_letters(sample: Path) -> None:
    if "reports" not in sample.parts:
        pytest.skip("seeds have too few choice questions to measure a spread")
    _, result = _run(sample)
    for label, letters in key_positions(result.bank).items():
        total = sum(letters[c] for c in "ABCD")
        if "/" in label and total < 40:
            continue  # too few keys in a fact group to judge
        shares = [letters[c] / total for c in "ABCD"]
        assert min(shares) >= 0.10 and max(shares) <= 0.45, (label, letters)


def test_no_bounded_number_is_asked_as_a_choice(sample: Path) -> None:
    _, result = _run(sample)
    for q in result.bank.questions:
        if q.kind is Kind.SINGLE_CHOICE and "number" in q.tags and "pair" not in q.tags:
            key = q.options[q.answer] if isinstance(q.answer, int) else ""
            assert not key.startswith(("超过", "超", "逾", "不少于", "不低于")), q
            assert not key.endswith(("以上", "以内", "以下")), q


def test_list_outsiders_come_mostly_from_the_same_part(sample: Path) -> None:
    if "reports" not in sample.parts:
        pytest.skip("seeds have too few lists to measure")
    raw = read_report(sample.read_bytes(), sample.name)
    _, result = _run(sample)
    sources = outsider_sources(raw, result.bank)
    assert sources["same"] / (sources["same"] + sources["other"]) >= 0.75, sources


def _nests_double_quotes(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "“") - (ch == "”")
        if depth > 1:
            return True
    return False


def test_quotes_inside_quotes_are_single(sample: Path) -> None:
    _, result = _run(sample)
    for q in result.bank.questions:
        assert not any(_nests_double_quotes(t) for t in [q.stem, *q.options]), q


def test_no_stem_opens_on_a_word_that_leans_on_a_missing_clause(sample: Path) -> None:
    _, result = _run(sample)
    for q in result.bank.questions:
        body = q.stem.split("指出，", 1)[-1]
        assert not body.startswith(("其中", "并", "实际上", "就是", "就要", "同时")), q
