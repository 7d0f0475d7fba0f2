"""Campaign figures per unit, rolled up the unit tree: participation, scores, passes, score bands.

How people and units combine (documented here because every figure depends on it):
- The roster (应参与人数) of a unit is the ACTIVE people whose CURRENT unit lies in its subtree; people
  self-declared in open campaigns are on a roster only once they have taken part.
- A participant is a person with a counted attempt (the campaign's score policy picks exactly one
  submitted attempt per person; paper attempts included). Participants and their scores are credited
  to the unit AT THE TIME of that attempt (`Attempt.unit_id`): it is what the attempt row records and
  what the covering index `(campaign_id, counted, unit_id, score)` serves, so figures never join people.
  People rarely move during a campaign; one who moved after answering counts for the unit where they
  answered, so a rate can exceed 100% only in that case.
- People who studied (已学习) are credited, like attempts, to the unit at the time of the visit
  (`StudySession.unit_id`), counted from the `(campaign_id, unit_id, person_id)` index.
- Deactivated people are out of everything: roster, participants, scores, studied. Their attempts and
  visits are found from the (few) deactivated people and subtracted, instead of joining every attempt
  to its person.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, false, func, select, true
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from app.quiz.models import Attempt, AttemptSource, Campaign, IdentityMode, StudySession
from app.reports.scope import (
    GoneIds,
    counted_filter,
    filter_root,
    gone_batches,
    gone_in,
    gone_people,
    unit_ids_clause,
    view_root,
)

# Scores are stored rounded to 2 decimals; compare against thresholds with this much slack.
EPSILON = 0.005
BAND_EDGES = (60, 70, 80, 90)  # percent of the campaign's points_total
BAND_LABELS = ("60分以下", "60–69分", "70–79分", "80–89分", "90–100分")
TARGET_RATE = 0.9  # a unit below this participation rate is named in the brief
UNIT_LIST_LIMIT = 5000  # a view with more units is filtered by a subquery, not a list of values


@dataclass
class Figures:
    """What the dashboard shows for one unit (with its subtree) or the whole campaign."""

    roster: int = 0
    participants: int = 0
    studied: int = 0
    passed: int = 0
    fast: int = 0  # counted results handed in faster than anyone can read the questions (提交过快)
    score_sum: float = 0.0
    highest: float | None = None
    lowest: float | None = None

    @property
    def rate(self) -> float | None:
        return self.participants / self.roster if self.roster else None

    @property
    def average(self) -> float | None:
        return self.score_sum / self.participants if self.participants else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.participants if self.participants else None

    @property
    def missing(self) -> int:
        """Roster people who have not taken part (never negative)."""
        return max(self.roster - self.participants, 0)

    def add(self, other: "Figures") -> None:
        """Fold another unit's figures into these."""
        self.roster += other.roster
        self.participants += other.participants
        self.studied += other.studied
        self.passed += other.passed
        self.fast += other.fast
        self.score_sum += other.score_sum
        self.highest = _pick(max, self.highest, other.highest)
        self.lowest = _pick(min, self.lowest, other.lowest)


def _pick(fn: object, a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b) if fn is max else min(a, b)


@dataclass(frozen=True)
class UnitRef:
    """The columns of a unit that reports show; plain tuples load far faster than 2,000 ORM objects."""

    id: int
    parent_id: int | None
    name: str
    full_name: str
    tree_path: str
    depth: int


@dataclass
class UnitFigures:
    """A unit in the view with its own figures and those of its whole subtree."""

    unit: UnitRef
    own: Figures = field(default_factory=Figures)
    total: Figures = field(default_factory=Figures)
    children: list["UnitFigures"] = field(default_factory=list)


@dataclass
class Summary:
    """Figures for a view of a campaign: everything, or one unit's subtree."""

    campaign: Campaign
    root: Unit | None
    total: Figures
    units: dict[int, UnitFigures]
    top: list[UnitFigures]  # the first level shown: the root's children, or the tree's roots
    bands: list["Band"]

    def below_target(self, target: float = TARGET_RATE) -> list[UnitFigures]:
        """Units of the first level whose participation rate is under the target."""
        return [row for row in self.top if row.total.rate is not None and row.total.rate < target]


@dataclass(frozen=True)
class Band:
    label: str
    count: int
    share: float | None


@dataclass(frozen=True)
class Ranked:
    rank: int
    row: UnitFigures
    value: float


# --- scope ------------------------------------------------------------------------------------------

def units_in_view(session: Session, root: Unit | None) -> list[UnitRef]:
    """Every unit of the view, in tree order."""
    query = (select(Unit.id, Unit.parent_id, Unit.name, Unit.full_name, Unit.tree_path, Unit.depth)
             .order_by(Unit.full_name))
    if root is not None:
        query = query.where(Unit.tree_path.startswith(root.tree_path))
    return [UnitRef(*row) for row in session.execute(query)]



# --- figures ----------------------------------------------------------------------------------------

def summarise(session: Session, campaign: Campaign, *, within: Unit | None = None,
              studied: bool = True) -> Summary:
    """Every figure of every unit in the view, rolled up the tree, and the view's total.

    `studied=False` skips the one figure that is not needed for score-only views (charts, bands).
    """
    root = view_root(session, campaign, within)
    units = units_in_view(session, root)
    rows = {u.id: UnitFigures(unit=u) for u in units}
    gone = gone_batches(session)
    where_root = filter_root(session, root)
    overall = _add_scores(session, campaign, where_root, rows, gone)
    edges = band_edges(campaign)
    bands = [0] * len(BAND_LABELS)
    for score, n in overall.items():
        bands[_band(score, edges)] += n
    _add_roster(session, campaign, where_root, rows)
    for unit_id, n in fast_counts(session, campaign, where_root).items():
        if unit_id in rows:
            rows[unit_id].own.fast = n
    if studied:
        _add_studied(session, campaign, where_root, rows, gone)
    top = _roll_up(rows, root)
    total = Figures()
    for row in top:
        total.add(row.total)
    if root is None and len(top) == 1:
        # One county at the top of the tree: show its units, as if the view started there.
        root = session.get(Unit, top[0].unit.id)
    if root is not None and root.id in rows:
        total = rows[root.id].total
        top = rows[root.id].children
    counted = sum(bands)
    return Summary(campaign=campaign, root=root, total=total, units=rows, top=top,
                   bands=[Band(label, bands[i], bands[i] / counted if counted else None)
                          for i, label in enumerate(BAND_LABELS)])


def _add_scores(session: Session, campaign: Campaign, root: Unit | None, rows: dict[int, UnitFigures],
                gone: GoneIds) -> dict[float, int]:
    """Fill each unit's own participants, score sum, passes, highest and lowest; the view's score counts.

    Folds the (unit, score) histogram in one pass: a unit has a few dozen distinct scores, so a million
    attempts are some tens of thousands of histogram rows. Per-unit COUNT/SUM/MIN/MAX in SQL would return
    fewer rows but cost SQLite more (a CASE per attempt for passes and bands) and could not take the
    deactivated people's attempts back out of MIN and MAX; the histogram can.
    """
    histogram = score_histogram(session, campaign, root, gone)
    pass_at = campaign.pass_mark - EPSILON
    overall: dict[float, int] = defaultdict(int)
    for unit_id, scores in histogram.items():
        row = rows.get(unit_id)
        if row is None:
            continue
        participants = passed = 0
        score_sum = 0.0
        lowest = highest = None
        for score, n in scores.items():
            if n <= 0:
                continue
            participants += n
            score_sum += score * n
            if score >= pass_at:
                passed += n
            if lowest is None or score < lowest:
                lowest = score
            if highest is None or score > highest:
                highest = score
            overall[score] += n
        own = row.own
        own.participants, own.score_sum, own.passed, own.lowest, own.highest = (
            participants, score_sum, passed, lowest, highest)
    return overall


def score_histogram(session: Session, campaign: Campaign, root: Unit | None,
                    gone: GoneIds) -> dict[int, dict[float, int]]:
    """How many counted attempts of active people scored each score, per attempt unit.

    Read in index order from `(campaign_id, counted, unit_id, score)` with no join; the counted
    attempts of deactivated people (few) are then found from those people and taken out.
    """
    histogram: dict[int, dict[float, int]] = defaultdict(dict)
    # Core rows, not ORM ones: tens of thousands of (unit, score) pairs for a big campaign.
    for unit_id, score, n in session.connection().execute(
        select(Attempt.unit_id, Attempt.score, func.count())
        .where(counted_filter(campaign, root), Attempt.score.is_not(None))
        .group_by(Attempt.unit_id, Attempt.score)
    ).all():
        histogram[unit_id][float(score)] = n
    for unit_id, score in gone_attempts(session, campaign, gone):
        if score in histogram.get(unit_id, {}):  # units outside the view are not in the histogram
            histogram[unit_id][score] -= 1
    return histogram


def gone_attempts(session: Session, campaign: Campaign, gone: GoneIds) -> list[tuple[int, float]]:
    """(unit id, score) of the counted attempts of deactivated people, in every unit.

    Found from the people (see gone_batches). The view's units are left to the caller: asked for both,
    SQLite probes every (unit, person) pair of the two lists.
    """
    found: list[tuple[int, float]] = []
    for clause in gone_in(Attempt.person_id, gone):
        found.extend((unit_id, float(score)) for unit_id, score in session.connection().execute(
            select(Attempt.unit_id, Attempt.score)
            .where(Attempt.campaign_id == campaign.id, Attempt.counted == true(), clause)
        ) if score is not None)
    return found


def fast_counts(session: Session, campaign: Campaign, root: Unit | None) -> dict[int, int]:
    """How many counted results of active people were flagged as handed in too fast, per attempt unit.

    Flagged rows are few and have their own partial index, so deactivated people are simply left out.
    """
    return {int(unit_id): int(n) for unit_id, n in session.execute(
        select(Attempt.unit_id, func.count())
        .where(counted_filter(campaign, root), Attempt.flagged_fast == true(), Attempt.person_id.not_in(gone_people()))
        .group_by(Attempt.unit_id)
    )}


def fast_total(session: Session, campaign: Campaign, *, within: Unit | None = None) -> int:
    """How many participants of the view handed in their counted result too fast."""
    return sum(fast_counts(session, campaign, view_root(session, campaign, within)).values())


def band_edges(campaign: Campaign) -> list[float]:
    """Lower edges of the 60/70/80/90% bands in the campaign's points."""
    return [campaign.points_total * e / 100 - EPSILON for e in BAND_EDGES]


def _band(score: float, edges: Sequence[float]) -> int:
    return next((i for i, edge in enumerate(edges) if score < edge), len(edges))


def _add_roster(session: Session, campaign: Campaign, root: Unit | None, rows: dict[int, UnitFigures]) -> None:
    # Without any open campaign nobody can be self-declared, so the (unit_id, active) index covers the count.
    open_exists = session.scalar(select(Campaign.id).where(Campaign.identity_mode == IdentityMode.OPEN).limit(1))
    listed = Person.active == true()
    if open_exists is not None:
        listed = listed & (Person.self_declared == false())
    for unit_id, n in session.execute(
        select(Person.unit_id, func.count()).where(listed, unit_ids_clause(Person.unit_id, root))
        .group_by(Person.unit_id)
    ):
        if unit_id in rows:
            rows[unit_id].own.roster += int(n)
    if campaign.identity_mode != IdentityMode.OPEN:
        return
    # Self-declared people (open campaigns) join the roster of this campaign by taking part in it.
    for unit_id, n in session.execute(
        select(Person.unit_id, func.count())
        .where(Person.active == true(), Person.self_declared == true(), unit_ids_clause(Person.unit_id, root),
               Person.id.in_(select(Attempt.person_id).where(Attempt.campaign_id == campaign.id,
                                                             Attempt.counted == true())))
        .group_by(Person.unit_id)
    ):
        if unit_id in rows:
            rows[unit_id].own.roster += int(n)


def _add_studied(session: Session, campaign: Campaign, root: Unit | None, rows: dict[int, UnitFigures],
                 gone: GoneIds) -> None:
    """Active people who opened the study page, credited to their unit at the time of the visit.

    Counted from the `(campaign_id, unit_id, person_id)` index; deactivated people (few) are then taken
    out, as for scores. Someone who studied in two units (they moved) counts once in each.
    """
    connection = session.connection()
    for unit_id, n in connection.execute(
        select(StudySession.unit_id, func.count(func.distinct(StudySession.person_id)))
        .where(StudySession.campaign_id == campaign.id, unit_ids_clause(StudySession.unit_id, root))
        .group_by(StudySession.unit_id)
    ):
        if unit_id in rows:
            rows[unit_id].own.studied = int(n)
    # From the people, in every unit, as for scores (see gone_attempts).
    for clause in gone_in(StudySession.person_id, gone):
        for unit_id, _person_id in connection.execute(
            select(StudySession.unit_id, StudySession.person_id).distinct()
            .where(StudySession.campaign_id == campaign.id, clause)
        ):
            if unit_id in rows:
                rows[unit_id].own.studied -= 1


def _roll_up(rows: dict[int, UnitFigures], root: Unit | None) -> list[UnitFigures]:
    """Link children to parents and sum each subtree; returns the view's top-level rows."""
    top: list[UnitFigures] = []
    for row in rows.values():  # tree order: parents come before their children
        parent = rows.get(row.unit.parent_id) if row.unit.parent_id is not None else None
        if parent is None:
            top.append(row)
        else:
            parent.children.append(row)
    # Deepest first, so each child's total is complete before its parent adds it.
    for row in sorted(rows.values(), key=lambda r: r.unit.depth, reverse=True):
        row.total.add(row.own)
        for child in row.children:
            row.total.add(child.total)
    return top


# --- distributions ----------------------------------------------------------------------------------

def score_bands(session: Session, campaign: Campaign, *, within: Unit | None = None) -> list[Band]:
    """How many participants scored in each band (percent of the campaign's points_total)."""
    return summarise(session, campaign, within=within, studied=False).bands


def daily_participation(session: Session, campaign: Campaign, *,
                        within: Unit | None = None) -> list[tuple[date, int, int]]:
    """(China date, people taking part for the first time that day, running total), by day."""
    root = filter_root(session, view_root(session, campaign, within))
    in_view = unit_ids_clause(Attempt.unit_id, root)
    if root is not None and session.get_bind().dialect.name == "postgresql":
        # The view's units as values: PostgreSQL then reads a town's attempts through the unit index
        # instead of scanning the campaign's (with a subquery it cannot tell how few they are). SQLite
        # does better with the subquery (with values it walks the whole campaign's person index).
        ids = list(session.scalars(select(Unit.id).where(Unit.tree_path.startswith(root.tree_path))))
        if len(ids) <= UNIT_LIST_LIMIT:
            in_view = Attempt.unit_id.in_(ids)
    counts = _first_days(session, campaign, in_view)
    # Deactivated people (few) are taken out afterwards rather than tested on every attempt.
    for clause in gone_in(Attempt.person_id, gone_batches(session)):
        for day, n in _first_days(session, campaign, in_view, clause).items():
            counts[day] -= n
    result: list[tuple[date, int, int]] = []
    running = 0
    for day in sorted(counts):
        if counts[day] > 0:
            running += counts[day]
            result.append((day, counts[day], running))
    return result


def _first_days(session: Session, campaign: Campaign, *where: ColumnElement[bool]) -> dict[date, int]:
    """How many people of the view first submitted on each China date.

    `submitted_at` is set exactly when an attempt is submitted, so it alone marks submitted attempts and
    the per-person minimum is read from the `(campaign_id, person_id, submitted_at)` index alone.
    """
    first = (
        select(func.min(Attempt.submitted_at).label("first_at"))
        .where(Attempt.campaign_id == campaign.id, Attempt.submitted_at.is_not(None), *where)
        .group_by(Attempt.person_id)
        .subquery()
    )
    day = china_day(session, first.c.first_at)
    counts: dict[date, int] = defaultdict(int)
    for value, n in session.connection().execute(select(day, func.count()).group_by(day)):
        counts[_as_date(value)] += int(n)
    return counts


def china_day(session: Session, column: ColumnElement[object]) -> ColumnElement[object]:
    """The China Standard Time calendar day of a stored UTC timestamp, in SQL."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, "+8 hours")
    # timezone('UTC', timestamptz) is the naive UTC time whatever the session's TimeZone is.
    return func.date(func.timezone("UTC", column) + func.make_interval(0, 0, 0, 0, 8))


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# --- rankings ---------------------------------------------------------------------------------------

def rank(rows: Iterable[UnitFigures], *, by: str) -> list[Ranked]:
    """Units ranked by participation rate or average score, best first; ties share a rank (1, 1, 3)."""
    scored = [(r, value) for r in rows if (value := _metric(r.total, by)) is not None]
    scored.sort(key=lambda pair: (-pair[1], pair[0].unit.full_name))
    ranked: list[Ranked] = []
    for position, (row, value) in enumerate(scored, start=1):
        same = ranked and abs(ranked[-1].value - value) < 1e-9
        ranked.append(Ranked(rank=ranked[-1].rank if same else position, row=row, value=value))
    return ranked


def _metric(figures: Figures, by: str) -> float | None:
    if by == "rate":
        return figures.rate
    if by == "average":
        return figures.average
    raise ValueError(by)


def flatten(rows: Sequence[UnitFigures]) -> list[UnitFigures]:
    """Rows depth-first in tree order (for tables and exports)."""
    out: list[UnitFigures] = []
    for row in rows:
        out.append(row)
        out.extend(flatten(row.children))
    return out


def paper_participants(session: Session, campaign: Campaign, *, within: Unit | None = None) -> int:
    """How many participants of the view were counted from a paper quiz (纸质)."""
    root = filter_root(session, view_root(session, campaign, within))
    return int(session.scalar(
        select(func.count()).select_from(Attempt)
        .where(counted_filter(campaign, root), Attempt.source == AttemptSource.PAPER,
               Attempt.person_id.not_in(gone_people()))
    ) or 0)


def format_score(value: float | None) -> str:
    """82 or 82.5, as people write scores; a dash when there is none."""
    if value is None:
        return "—"
    return f"{value:.0f}" if abs(value - round(value)) < 0.005 else f"{value:.1f}"


def format_rate(value: float | None) -> str:
    """A rate as a percentage with one decimal."""
    return "—" if value is None else f"{value * 100:.1f}%"
