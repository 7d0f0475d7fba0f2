"""The fast figures (histograms, index-only counts, deactivated people taken back out) against a plain
computation from the rows, on a seeded campaign with moves, deactivations, retries, paper and study visits."""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from app.core.timeutil import as_utc, utc_now
from app.quiz.models import Attempt, AttemptSource, Campaign, ScorePolicy, StudySession
from app.reports import service
from tests.reports import fixture
from tests.support import factories

CHINA = ZoneInfo("Asia/Shanghai")
# Scores that sit on and around the pass mark and the band edges, with the 2-decimal rounding scores get.
SCORES = [0, 35.5, 59.99, 60, 60.01, 69.995, 70, 79.99, 80, 85.25, 89.99, 90, 95, 100]


@dataclass
class Expected:
    roster: int
    participants: int
    studied: int
    passed: int
    score_sum: float
    highest: float | None
    lowest: float | None


def seeded_campaign(session: Session, policy: ScorePolicy, seed: int, *, outsider: bool = False) -> Campaign:
    rng = random.Random(seed)
    paths = [f"{fixture.ROOT}/{town}/{office}" for town in ("东乡", "西乡", "南局") for office in ("一科", "二科")]
    offices = [factories.unit(session, path) for path in paths]
    towns = [session.get_one(Unit, office.parent_id) for office in offices[::2]]
    root = session.get_one(Unit, towns[0].parent_id)
    campaign = fixture.campaign(session, policy=policy, root=root)
    places = [root, *towns, *offices]
    start = fixture.at("2026-03-01T00:00")
    for index in range(90):
        person = factories.person(session, rng.choice(places), name=f"人员{index:03d}")
        for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 3])):
            # Hours cover the 16:00 UTC line where the China date changes.
            when = start + timedelta(days=rng.randrange(5), hours=rng.choice([0, 7, 15, 16, 23]),
                                     minutes=rng.randrange(60))
            source = AttemptSource.PAPER if rng.random() < 0.15 else AttemptSource.ONLINE
            fixture.submit(session, campaign, person, rng.choice(SCORES), when, source=source)
        for _ in range(rng.choice([0, 1, 1, 2])):
            session.add(StudySession(campaign_id=campaign.id, person_id=person.id, unit_id=person.unit_id,
                                     seconds=rng.randrange(30, 900)))
        session.flush()
        if rng.random() < 0.15:  # moved after answering: attempts and visits stay where they were made
            person.unit_id = rng.choice(places).id
        if rng.random() < 0.12:
            person.active, person.deactivated_at = False, utc_now()
        session.flush()
    if outsider:  # a unit outside the campaign's tree, with an attempt recorded there all the same
        stranger = factories.person(session, factories.unit(session, "外县/办公室"), name="外人")
        fixture.submit(session, campaign, stranger, 100, start)
    return campaign


def reference(session: Session, campaign: Campaign, within: Unit | None) -> tuple[dict[int, Expected], list[int],
                                                                                   list[tuple[date, int, int]]]:
    """Every unit's subtree figures, the view's score bands and daily participation, computed plainly."""
    units = list(session.scalars(select(Unit)))
    base = within or session.get_one(Unit, campaign.root_unit_id)
    in_view = {u.id for u in units if u.tree_path.startswith(base.tree_path)}
    people = {p.id: p for p in session.scalars(select(Person))}
    attempts = list(session.scalars(select(Attempt).where(Attempt.campaign_id == campaign.id)))
    visits = list(session.scalars(select(StudySession).where(StudySession.campaign_id == campaign.id)))
    counted = [a for a in attempts if a.counted and people[a.person_id].active and a.score is not None]
    studied_pairs = {(v.unit_id, v.person_id) for v in visits if people[v.person_id].active}

    figures: dict[int, Expected] = {}
    for unit in units:
        if unit.id not in in_view:
            continue
        subtree = {u.id for u in units if u.tree_path.startswith(unit.tree_path)}
        scores = [float(a.score) for a in counted if a.unit_id in subtree and a.score is not None]
        figures[unit.id] = Expected(
            roster=sum(1 for p in people.values() if p.active and not p.self_declared and p.unit_id in subtree),
            participants=len(scores),
            studied=sum(1 for unit_id, _ in studied_pairs if unit_id in subtree),
            passed=sum(1 for s in scores if s >= campaign.pass_mark - service.EPSILON),
            score_sum=sum(scores), highest=max(scores, default=None), lowest=min(scores, default=None),
        )

    bands = [0] * len(service.BAND_LABELS)
    for a in counted:
        if a.unit_id in in_view and a.score is not None:
            score = float(a.score)
            bands[sum(1 for e in service.BAND_EDGES if score >= campaign.points_total * e / 100 - service.EPSILON)] += 1

    first: dict[int, date] = {}
    for a in sorted((a for a in attempts if a.submitted_at is not None), key=lambda a: as_utc(a.submitted_at)):
        if a.unit_id in in_view and people[a.person_id].active and a.person_id not in first:
            first[a.person_id] = as_utc(a.submitted_at).astimezone(CHINA).date()
    per_day: dict[date, int] = defaultdict(int)
    for day in first.values():
        per_day[day] += 1
    daily, running = [], 0
    for day in sorted(per_day):
        running += per_day[day]
        daily.append((day, per_day[day], running))
    return figures, bands, daily


@pytest.mark.parametrize(("policy", "seed", "outsider"), [(ScorePolicy.BEST, 1, False), (ScorePolicy.LAST, 2, True),
                                                       (ScorePolicy.FIRST, 3, False), (ScorePolicy.BEST, 5, True)])
def test_the_fast_figures_equal_a_plain_computation(session: Session, policy: ScorePolicy, seed: int,
                                                     outsider: bool) -> None:
    campaign = seeded_campaign(session, policy, seed, outsider=outsider)
    town = session.scalars(select(Unit).where(Unit.name == "西乡")).one()
    for within in (None, town):
        expected, bands, daily = reference(session, campaign, within)
        summary = service.summarise(session, campaign, within=within)
        assert set(summary.units) == set(expected)
        for unit_id, want in expected.items():
            got = summary.units[unit_id].total
            assert (got.roster, got.participants, got.studied, got.passed) == (
                want.roster, want.participants, want.studied, want.passed), summary.units[unit_id].unit.full_name
            assert got.score_sum == pytest.approx(want.score_sum)
            assert (got.highest, got.lowest) == (want.highest, want.lowest)
        view = within or session.get_one(Unit, campaign.root_unit_id)
        assert summary.total.participants == expected[view.id].participants
        assert [b.count for b in summary.bands] == bands
        assert service.daily_participation(session, campaign, within=within) == daily
    # The seed exercises what the fast path takes care of.
    people = list(session.scalars(select(Person)))
    assert any(not p.active for p in people)
    assert session.scalar(select(Attempt.id).where(Attempt.number > 1).limit(1)) is not None
    moved = session.scalars(select(Attempt).join(Person, Person.id == Attempt.person_id)
                            .where(Attempt.unit_id != Person.unit_id)).first()
    assert moved is not None


def test_deactivated_people_given_as_ids_in_small_batches_are_all_taken_out(session: Session,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    campaign = seeded_campaign(session, ScorePolicy.BEST, 4)
    expected, bands, daily = reference(session, campaign, None)
    ids = list(session.scalars(service.gone_people().order_by(Person.id)))
    assert len(ids) > 4
    # The ids as values, as PostgreSQL is given them, in batches of two, whatever the database.
    monkeypatch.setattr(service, "gone_batches", lambda _session: [ids[i:i + 2] for i in range(0, len(ids), 2)])
    summary = service.summarise(session, campaign)
    root = session.get_one(Unit, campaign.root_unit_id)
    got, want = summary.units[root.id].total, expected[root.id]
    assert (got.participants, got.studied, got.highest, got.lowest) == (
        want.participants, want.studied, want.highest, want.lowest)
    assert [b.count for b in summary.bands] == bands
    assert service.daily_participation(session, campaign) == daily
