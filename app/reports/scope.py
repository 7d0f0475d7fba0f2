"""Which rows a report view reads: the view's subtree of units, and the deactivated people taken out.

Shared by the figures (service), the people lists and item analysis; see app/reports/service.py for how
people and units combine.
"""

from sqlalchemy import ColumnElement, Select, and_, false, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.accounts.models import Person, Unit
from app.quiz.models import Attempt, Campaign
from app.reports.exceptions import UnitNotInCampaign


def view_root(session: Session, campaign: Campaign, within: Unit | None) -> Unit | None:
    """The unit a view starts from: the narrower of the campaign's root and the asked-for unit."""
    root = session.get(Unit, campaign.root_unit_id) if campaign.root_unit_id else None
    if within is None or root is None or within.tree_path.startswith(root.tree_path):
        return within or root
    if root.tree_path.startswith(within.tree_path):
        return root
    raise UnitNotInCampaign()


def filter_root(session: Session, root: Unit | None) -> Unit | None:
    """The root to restrict queries to: None when the view's subtree holds every unit.

    A campaign usually starts at the county, the top of the whole tree; a filter on all its units
    would change nothing but the plan (SQLite then reads every attempt row through the unit index).
    """
    if root is None:
        return None
    outside = session.scalar(select(Unit.id).where(~Unit.tree_path.startswith(root.tree_path)).limit(1))
    return None if outside is None else root


def unit_ids_clause(column: InstrumentedAttribute[int], root: Unit | None) -> ColumnElement[bool]:
    """Restrict a unit id column to the view's subtree (TRUE for the whole campaign)."""
    if root is None:
        return true()
    return column.in_(select(Unit.id).where(Unit.tree_path.startswith(root.tree_path)))


def gone_people() -> Select[tuple[int]]:
    """People whose counted attempts must not count as roster participants: deactivated ones."""
    return select(Person.id).where(Person.active == false())


GONE_BATCH = 1000  # ids per IN list: small enough for PostgreSQL to look each one up rather than scan
# The deactivated people's ids in batches, or None to let the database read them from a subquery.
GoneIds = list[list[int]] | None


def gone_batches(session: Session) -> GoneIds:
    """The deactivated people's ids (from their partial index) in batches, on PostgreSQL; None on SQLite.

    PostgreSQL answers `person_id IN (SELECT … deactivated)` by scanning every attempt or study visit to
    hash-join them; given the ids as values it looks each one up in the `(campaign_id, person_id, …)`
    indexes. SQLite does that lookup with the subquery itself, in one statement.
    """
    if session.get_bind().dialect.name == "sqlite":
        return None
    ids = list(session.scalars(gone_people().order_by(Person.id)))
    return [ids[start:start + GONE_BATCH] for start in range(0, len(ids), GONE_BATCH)]


def gone_in(column: InstrumentedAttribute[int], gone: GoneIds) -> list[ColumnElement[bool]]:
    """Conditions that together select the deactivated people's rows by `column` (one query each)."""
    if gone is None:
        return [column.in_(gone_people())]
    return [column.in_(batch) for batch in gone]


def counted_filter(campaign: Campaign, root: Unit | None) -> ColumnElement[bool]:
    """Counted attempts of the campaign in the view (deactivated people included; see module doc)."""
    return and_(Attempt.campaign_id == campaign.id, Attempt.counted == true(), unit_ids_clause(Attempt.unit_id, root))
