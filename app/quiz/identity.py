"""Who is answering: the unit picker, roster matching, self-declared people, and its throttling."""

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import AdminUser, Person, Role, Unit
from app.accounts.service import ThrottlePolicy
from app.quiz.exceptions import CampaignInvalid
from app.quiz.models import Campaign

# A name guessed against 10,000 phone tails is the attack; a colleague mistyping twice is not.
NAME_POLICY = ThrottlePolicy(limit=5, window=timedelta(minutes=15), lockout=timedelta(minutes=15))
# A whole office often shares one address behind the intranet's NAT, so the address gets more room.
ADDRESS_POLICY = ThrottlePolicy(limit=40, window=timedelta(minutes=15), lockout=timedelta(minutes=15))
# Spaces, dots and control characters (a NUL cannot even be stored in PostgreSQL text).
_SPACES = re.compile(r"[\s\u3000·•.\x00-\x1f\x7f]")
_FULL_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
MAX_NAME_LENGTH = 50


def clean_name(name: str) -> str:
    """A typed name without spaces or middle dots (“张 建国” and “张建国” are the same person)."""
    return _SPACES.sub("", name)[:MAX_NAME_LENGTH]


def clean_code(code: str) -> str:
    """A typed phone tail or 工号: half-width, no spaces."""
    return re.sub(r"[\s\x00-\x1f\x7f]", "", code.translate(_FULL_DIGITS))[:50]


def campaign_root(session: Session, campaign: Campaign) -> Unit | None:
    """The unit whose subtree takes part (None: every unit)."""
    return session.get(Unit, campaign.root_unit_id) if campaign.root_unit_id else None


def campaign_units(session: Session, campaign: Campaign) -> list[Unit]:
    """The units people of this campaign may pick, in tree order."""
    return accounts_service.list_units(session, within=campaign_root(session, campaign))


def unit_in_campaign(session: Session, campaign: Campaign, unit: Unit) -> bool:
    """Whether a unit takes part in the campaign."""
    root = campaign_root(session, campaign)
    return root is None or unit.tree_path.startswith(root.tree_path)


def find_campaign_unit(session: Session, campaign: Campaign, *, unit_id: int | None = None,
                       code: str | None = None) -> Unit | None:
    """A unit of the campaign by id or public code, if it takes part."""
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit is None and code:
        unit = accounts_service.find_unit_by_code(session, code.strip())
    return unit if unit is not None and unit_in_campaign(session, campaign, unit) else None


@dataclass(frozen=True)
class UnitGroup:
    """Units sharing a parent, listed under the parent's name."""

    label: str
    units: list[Unit]


def group_units(units: list[Unit], *, query: str = "") -> list[UnitGroup]:
    """Units grouped by their parent's full name, optionally only those whose path contains `query`."""
    wanted = clean_name(query)
    groups: dict[str, list[Unit]] = {}
    for unit in units:
        if wanted and wanted not in unit.full_name.replace(" ", ""):
            continue
        parent = unit.full_name.rpartition(accounts_service.UNIT_SEPARATOR)[0]
        groups.setdefault(parent, []).append(unit)
    return [UnitGroup(label=label, units=members) for label, members in groups.items()]


def liaison_for(session: Session, unit: Unit) -> AdminUser | None:
    """The active liaison closest above (or at) a unit, whom a person without a match should contact."""
    ancestor_ids = [int(part) for part in unit.tree_path.strip("/").split("/") if part]
    liaisons = {
        user.unit_id: user
        for user in session.scalars(
            select(AdminUser)
            .where(AdminUser.role == Role.LIAISON, AdminUser.active, AdminUser.unit_id.in_(ancestor_ids))
            .order_by(AdminUser.id)
        )
    }
    for unit_id in reversed(ancestor_ids):
        if unit_id in liaisons:
            return liaisons[unit_id]
    return None


def match_roster(session: Session, *, unit: Unit, name: str, code: str) -> Person | None:
    """The active person in the unit (or below it) with this name and phone tail or 工号."""
    name, code = clean_name(name), clean_code(code)
    if not name or not code:
        return None
    candidates = [
        person
        for person in session.scalars(
            select(Person)
            .join(Unit, Unit.id == Person.unit_id)
            .where(
                Unit.tree_path.startswith(unit.tree_path),
                Person.active,
                or_(Person.phone_last4 == code, Person.employee_no == code),
            )
            .order_by(Person.id)
        )
        if clean_name(person.name) == name
    ]
    exact = [p for p in candidates if p.unit_id == unit.id]
    if len(exact) == 1:
        return exact[0]
    # A person who picked the township instead of its office is still found, unless it is ambiguous.
    return candidates[0] if len(candidates) == 1 else None


def declare_person(session: Session, *, unit: Unit, name: str) -> Person:
    """The self-declared person of an open campaign with this name in this unit, created on first use."""
    name = clean_name(name)
    if not name:
        raise CampaignInvalid("请填写您的姓名。")
    existing = session.scalar(
        select(Person).where(Person.unit_id == unit.id, Person.name == name, Person.identity_key == "")
    )
    if existing is not None:
        return existing
    return accounts_service.add_person(session, unit=unit, name=name, self_declared=True)


def throttle_keys(campaign: Campaign, *, name: str, address: str) -> list[tuple[str, ThrottlePolicy]]:
    """The failure counters one identification attempt is charged to."""
    return [
        (f"quiz-identify:{campaign.id}:name:{clean_name(name)}", NAME_POLICY),
        (f"quiz-identify:ip:{address}", ADDRESS_POLICY),
    ]


def is_locked(session: Session, keys: list[tuple[str, ThrottlePolicy]]) -> bool:
    """Whether any of the counters is locked out now."""
    return any(accounts_service.throttle_locked_until(session, key) is not None for key, _ in keys)


def record_failure(session: Session, keys: list[tuple[str, ThrottlePolicy]]) -> bool:
    """Count a failed identification; True when it starts a lockout."""
    return any([accounts_service.record_failure(session, key, policy) for key, policy in keys])


def clear_failures(session: Session, keys: list[tuple[str, ThrottlePolicy]]) -> None:
    """Forget a name's failures after it matched (the shared address counter keeps running)."""
    accounts_service.clear_throttle(session, keys[0][0])
