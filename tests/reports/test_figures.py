"""Every figure of the hand-computed campaign (tests/reports/fixture.py), under each score policy."""

from datetime import date

import pytest
from sqlalchemy.orm import Session

from app.quiz.models import ScorePolicy
from app.reports import service
from app.reports.people import count_non_participants, non_participants, person_rows
from tests.reports import fixture
from tests.reports.fixture import World


@pytest.fixture
def world(session: Session) -> World:
    return fixture.build(session)


def figures_of(summary: service.Summary, world: World, name: str) -> service.Figures:
    return summary.units[world.units[name].id].total


def expect(f: service.Figures, *, roster: int, participants: int, passed: int, total: float,
           high: float | None, low: float | None, studied: int) -> None:
    assert (f.roster, f.participants, f.passed, f.studied) == (roster, participants, passed, studied)
    assert f.score_sum == pytest.approx(total)
    assert (f.highest, f.lowest) == (high, low)
    assert f.rate == (pytest.approx(participants / roster) if roster else None)
    assert f.average == (pytest.approx(total / participants) if participants else None)
    assert f.pass_rate == (pytest.approx(passed / participants) if participants else None)


def test_best_policy_figures_roll_up_the_unit_tree(session: Session, world: World) -> None:
    summary = service.summarise(session, world.campaign)
    expect(figures_of(summary, world, "甲乡/办公室"), roster=2, participants=1, passed=1, total=100,
           high=100, low=100, studied=1)
    # 甲乡 itself: A1 90, A2 best of 50/70, A3 60 on paper; plus 办公室's B1 100.
    assert summary.units[world.units["甲乡"].id].own.score_sum == pytest.approx(220)
    expect(figures_of(summary, world, "甲乡"), roster=5, participants=4, passed=4, total=320,
           high=100, low=60, studied=2)
    expect(figures_of(summary, world, "乙局"), roster=4, participants=3, passed=3, total=255,
           high=95, low=80, studied=1)
    expect(figures_of(summary, world, "丙校"), roster=0, participants=0, passed=0, total=0,
           high=None, low=None, studied=0)
    expect(figures_of(summary, world, "丁所"), roster=2, participants=0, passed=0, total=0,
           high=None, low=None, studied=0)
    expect(summary.total, roster=11, participants=7, passed=7, total=575, high=100, low=60, studied=3)
    assert summary.total.average == pytest.approx(82.142857, abs=1e-5)
    assert [row.unit.name for row in summary.top] == ["丁所", "丙校", "乙局", "甲乡"]


def test_last_policy_counts_the_later_attempt(session: Session, world: World) -> None:
    fixture.set_policy(session, world, ScorePolicy.LAST)
    summary = service.summarise(session, world.campaign)
    expect(figures_of(summary, world, "乙局"), roster=4, participants=3, passed=2, total=200,
           high=80, low=40, studied=1)
    expect(figures_of(summary, world, "甲乡"), roster=5, participants=4, passed=4, total=320,
           high=100, low=60, studied=2)
    expect(summary.total, roster=11, participants=7, passed=6, total=520, high=100, low=40, studied=3)


def test_first_policy_counts_the_earlier_attempt(session: Session, world: World) -> None:
    fixture.set_policy(session, world, ScorePolicy.FIRST)
    summary = service.summarise(session, world.campaign)
    expect(figures_of(summary, world, "甲乡"), roster=5, participants=4, passed=3, total=300,
           high=100, low=50, studied=2)
    expect(figures_of(summary, world, "乙局"), roster=4, participants=3, passed=3, total=255,
           high=95, low=80, studied=1)
    expect(summary.total, roster=11, participants=7, passed=6, total=555, high=100, low=50, studied=3)


def test_a_deactivated_top_scorer_leaves_highest_and_average(session: Session, world: World) -> None:
    # B2's 100 is the unit's highest as well; with B1 deactivated too, 办公室 has nobody left.
    world.people["B1"].active = False
    session.flush()
    summary = service.summarise(session, world.campaign)
    expect(figures_of(summary, world, "甲乡/办公室"), roster=1, participants=0, passed=0, total=0,
           high=None, low=None, studied=0)
    expect(figures_of(summary, world, "甲乡"), roster=4, participants=3, passed=3, total=220,
           high=90, low=60, studied=1)


def test_a_liaison_view_covers_only_the_subtree(session: Session, world: World) -> None:
    summary = service.summarise(session, world.campaign, within=world.units["甲乡"])
    expect(summary.total, roster=5, participants=4, passed=4, total=320, high=100, low=60, studied=2)
    assert set(summary.units) == {world.units["甲乡"].id, world.units["甲乡/办公室"].id}
    assert [row.unit.name for row in summary.top] == ["办公室"]


def test_a_person_who_moved_counts_where_they_answered(session: Session, world: World) -> None:
    a1 = world.people["A1"]
    a1.unit_id = world.units["乙局"].id
    session.flush()
    summary = service.summarise(session, world.campaign)
    assert figures_of(summary, world, "甲乡").participants == 4
    assert figures_of(summary, world, "甲乡").roster == 4
    assert figures_of(summary, world, "乙局").roster == 5
    assert figures_of(summary, world, "乙局").participants == 3
    assert a1.id not in {p.id for p, _ in non_participants(session, world.campaign)}


def test_score_bands_scale_to_the_points_total(session: Session, world: World) -> None:
    bands = service.score_bands(session, world.campaign)
    assert [b.label for b in bands] == list(service.BAND_LABELS)
    assert [b.count for b in bands] == [0, 1, 1, 2, 3]
    world.campaign.points_total = 200  # the same scores are now 30%–50% of the total
    assert [b.count for b in service.score_bands(session, world.campaign)] == [7, 0, 0, 0, 0]


def test_daily_participation_counts_first_submissions_by_china_date(session: Session, world: World) -> None:
    days = service.daily_participation(session, world.campaign)
    assert days == [(date(2026, 3, 1), 2, 2), (date(2026, 3, 2), 3, 5), (date(2026, 3, 3), 1, 6),
                    (date(2026, 3, 4), 1, 7)]


def test_rankings_share_ranks_on_ties(session: Session, world: World) -> None:
    summary = service.summarise(session, world.campaign)
    by_rate = service.rank(summary.top, by="rate")
    assert [(r.rank, r.row.unit.name, r.value) for r in by_rate] == [(1, "甲乡", 0.8), (2, "乙局", 0.75),
                                                                    (3, "丁所", 0.0)]
    by_average = service.rank(summary.top, by="average")
    assert [(r.rank, r.row.unit.name) for r in by_average] == [(1, "乙局"), (2, "甲乡")]
    # Make 甲乡's rate equal 乙局's: both 3 of 4.
    world.people["A1"].active = False
    session.flush()
    tied = service.rank(service.summarise(session, world.campaign).top, by="rate")
    assert [(r.rank, r.row.unit.name) for r in tied] == [(1, "乙局"), (1, "甲乡"), (3, "丁所")]


def test_units_below_target_are_named(session: Session, world: World) -> None:
    summary = service.summarise(session, world.campaign)
    assert [r.unit.name for r in summary.below_target(0.8)] == ["丁所", "乙局"]


def test_non_participants_are_active_roster_people_without_a_submission(session: Session, world: World) -> None:
    rows = non_participants(session, world.campaign)
    assert [p.name for p, _ in rows] == ["D1", "D2", "C4", "B3"]
    assert all(p.phone for p, _ in rows)
    assert count_non_participants(session, world.campaign) == 4
    assert [p.name for p, _ in non_participants(session, world.campaign, within=world.units["甲乡"])] == ["B3"]


def test_person_rows_show_each_counted_result(session: Session, world: World) -> None:
    rows = {r.name: r for r in person_rows(session, world.campaign)}
    assert set(rows) == {"A1", "A2", "A3", "B1", "B3", "C1", "C2", "C3", "C4", "D1", "D2"}
    assert (rows["A2"].attempts, rows["A2"].score, rows["A2"].passed) == (2, 70, True)
    assert rows["A3"].paper and rows["A3"].score == 60
    assert rows["A1"].study_seconds == 180
    assert rows["C4"].score is None and not rows["C4"].took_part and rows["C4"].study_seconds == 120


def test_a_campaign_over_one_county_starts_at_the_county(session: Session, world: World) -> None:
    world.campaign.root_unit_id = None
    summary = service.summarise(session, world.campaign)
    assert summary.root is not None and summary.root.name == "示范县"
    assert [row.unit.name for row in summary.top] == ["丁所", "丙校", "乙局", "甲乡"]
    assert (summary.total.roster, summary.total.participants) == (11, 7)
