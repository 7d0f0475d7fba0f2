"""Item analysis against hand-worked responses: correct rates, 27% groups, option counts, flags."""

import random

import pytest
from sqlalchemy.orm import Session

from app.quiz import scoring
from app.reports.items import ItemStats, OptionCount, item_analysis
from tests.reports import fixture
from tests.support import factories

# Responses in the bank's ORIGINAL option order; q-sc0's key is index 2 (1244万人), q-tf0's is True.
PLAN = {  # name: (single choice original index or None, true/false)
    "P1": (2, True), "P2": (2, True), "P3": (2, False), "P4": (0, True),
    "P5": (0, True), "P6": (2, False), "P7": (1, False), "P8": (None, True),
}


def test_item_analysis_matches_hand_worked_figures(session: Session) -> None:
    campaign = fixture.campaign(session, rule={"single_choice": 1, "true_false": 1}, per_kind=1)
    unit = factories.unit(session, "示范县/甲乡")
    for name, (sc, tf) in [*PLAN.items(), ("P9", (3, False))]:
        person = factories.person(session, unit, name=name)
        seed = int(name[1:])
        # Answer on the attempt's own shuffle: the same seed draws the same snapshot again.
        snapshot = scoring.draw_snapshot(session, campaign, random.Random(seed))
        responses: dict[int, object] = {}
        for item in snapshot:
            if item["kind"] == "single_choice" and sc is not None:
                responses[item["position"]] = item["option_map"].index(sc)
            if item["kind"] == "true_false":
                responses[item["position"]] = tf
        fixture.submit(session, campaign, person, 0, fixture.at("2026-03-01T02:00"), responses=responses,
                       rng=random.Random(seed))
        person.active = name != "P9"
    session.flush()

    sc, tf = item_analysis(session, campaign)
    assert (sc.uid, sc.shown, sc.correct) == ("q-sc0", 8, 4)
    assert sc.correct_rate == pytest.approx(0.5)
    assert sc.discrimination == pytest.approx(1.0)  # upper P1, P2 both right; lower P7, P8 both wrong
    assert [(o.label, o.text, o.count, o.is_key) for o in sc.options] == [
        ("A", "1044万人", 2, False), ("B", "1144万人", 1, False), ("C", "1244万人", 4, True),
        ("D", "1344万人", 0, False)]
    assert sc.flags == ["干扰项无人选：D"]
    assert (tf.uid, tf.shown, tf.correct) == ("q-tf0", 8, 5)
    assert tf.discrimination == pytest.approx(0.5)  # upper 2/2, lower P7 wrong, P8 right
    assert [(o.label, o.count, o.is_key) for o in tf.options] == [("对", 5, True), ("错", 3, False)]
    assert tf.flags == []


def test_flags_name_questions_to_review() -> None:
    nobody = ItemStats(uid="q1", kind="true_false", stem="", shown=4, correct=0)
    everybody = ItemStats(uid="q2", kind="fill_blank", stem="", shown=4, correct=4)
    negative = ItemStats(uid="q3", kind="single_choice", stem="", shown=4, correct=2, upper_shown=1, upper_sum=0,
                         lower_shown=1, lower_sum=1,
                         options=[OptionCount("A", "甲", 2, True), OptionCount("B", "乙", 2, False)])
    assert nobody.flags == ["无人答对"]
    assert everybody.flags == ["全部答对"]
    assert negative.flags == ["区分度为负"]
    assert negative.discrimination == -1
