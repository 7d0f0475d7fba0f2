"""Units, people and admin users; login throttling; the audit log. Services flush, never commit."""

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.exceptions import (
    AdminUserNotFound,
    UnitNotFound,
    UsernameTaken,
    WeakPassword,
)
from app.accounts.models import AdminUser, AuditLog, Person, Role, Throttle, Unit
from app.core.security import hash_password, verify_password
from app.core.timeutil import as_utc, utc_now

UNIT_SEPARATOR = "/"
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_unit_code() -> str:
    """A short, unambiguous public code for a unit's link."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


def split_unit_path(path: str) -> list[str]:
    """'某县 / 某乡镇/党政办' → ['某县', '某乡镇', '党政办'] (also accepts ／ and >)."""
    parts = re.split(r"\s*[/／>＞]\s*", path.strip())
    return [p.strip() for p in parts if p.strip()]


def get_unit(session: Session, unit_id: int) -> Unit:
    """The unit with this id."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise UnitNotFound()
    return unit


def find_unit_by_code(session: Session, code: str) -> Unit | None:
    """The unit with this public code, if any."""
    return session.scalar(select(Unit).where(Unit.code == code))


def find_unit_by_full_name(session: Session, full_name: str) -> Unit | None:
    """The unit with this full path name, if any."""
    return session.scalar(select(Unit).where(Unit.full_name == UNIT_SEPARATOR.join(split_unit_path(full_name))))


def ensure_unit_path(session: Session, path: str | Sequence[str]) -> Unit:
    """The unit at this path, creating it and any missing parents."""
    names = split_unit_path(path) if isinstance(path, str) else list(path)
    if not names:
        raise UnitNotFound("单位名称不能为空。")
    parent: Unit | None = None
    for depth, name in enumerate(names):
        full_name = UNIT_SEPARATOR.join(names[: depth + 1])
        unit = session.scalar(select(Unit).where(Unit.full_name == full_name))
        if unit is None:
            unit = Unit(
                name=name,
                full_name=full_name,
                parent_id=parent.id if parent else None,
                depth=depth,
                code=_unused_code(session),
                tree_path="",
            )
            session.add(unit)
            session.flush()
            unit.tree_path = (parent.tree_path if parent else "/") + f"{unit.id}/"
            session.flush()
        parent = unit
    assert parent is not None
    return parent


def _unused_code(session: Session) -> str:
    while True:
        code = new_unit_code()
        if session.scalar(select(Unit.id).where(Unit.code == code)) is None:
            return code


def subtree_ids(session: Session, unit: Unit) -> list[int]:
    """Ids of the unit and everything below it."""
    return list(session.scalars(select(Unit.id).where(Unit.tree_path.startswith(unit.tree_path))))


def list_units(session: Session, *, within: Unit | None = None) -> list[Unit]:
    """Units in tree order (by full name), optionally only one subtree."""
    query = select(Unit).order_by(Unit.full_name)
    if within is not None:
        query = query.where(Unit.tree_path.startswith(within.tree_path))
    return list(session.scalars(query))


def normalise_phone(text: str) -> str:
    """Digits only, with a leading +86/86 dropped: '138 0013 8000' → '13800138000'."""
    digits = re.sub(r"\D", "", text.translate(_FULLWIDTH_DIGITS))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def add_person(
    session: Session,
    *,
    unit: Unit,
    name: str,
    phone: str | None = None,
    employee_no: str | None = None,
    title: str | None = None,
    self_declared: bool = False,
) -> Person:
    """Put someone on the roster of a unit."""
    phone_norm = normalise_phone(phone) if phone else None
    person = Person(
        unit_id=unit.id,
        name=name.strip(),
        phone=phone_norm or None,
        phone_last4=phone_norm[-4:] if phone_norm else None,
        employee_no=(employee_no or "").strip() or None,
        title=(title or "").strip() or None,
        identity_key=phone_norm or (employee_no or "").strip(),
        self_declared=self_declared,
    )
    session.add(person)
    session.flush()
    return person


def count_active_people(session: Session, unit_ids: Sequence[int]) -> int:
    """How many active people the roster lists in these units."""
    return int(
        session.scalar(
            select(func.count()).select_from(Person).where(Person.unit_id.in_(unit_ids), Person.active)
        )
        or 0
    )


# --- admin users --------------------------------------------------------------------------------

def check_password_strength(password: str) -> None:
    """Refuse passwords an office colleague could guess."""
    if len(password) < 8 or password.isdigit() or password.isalpha():
        raise WeakPassword()


def create_admin_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role = Role.ADMIN,
    unit: Unit | None = None,
    display_name: str = "",
) -> AdminUser:
    """A new organiser or liaison account."""
    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.@-]{3,50}", username):
        raise UsernameTaken("用户名须为 3–50 位字母、数字或 _ . @ -。")
    if session.scalar(select(AdminUser.id).where(AdminUser.username == username)) is not None:
        raise UsernameTaken()
    check_password_strength(password)
    if role is Role.LIAISON and unit is None:
        raise UnitNotFound("联络员账号必须指定负责的单位。")
    user = AdminUser(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        role=role,
        unit_id=unit.id if unit and role is Role.LIAISON else None,
    )
    session.add(user)
    session.flush()
    return user


def get_admin_user(session: Session, user_id: int) -> AdminUser:
    """The admin user with this id."""
    user = session.get(AdminUser, user_id)
    if user is None:
        raise AdminUserNotFound()
    return user


def set_password(session: Session, *, user: AdminUser, password: str) -> None:
    """Change a password and end every other session of that user."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.session_version += 1
    session.flush()


def end_sessions(session: Session, *, user: AdminUser) -> None:
    """Make every signed-in cookie of this user worthless (signing out)."""
    user.session_version += 1
    session.flush()


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures within a window lead to a lockout, and for how long."""

    limit: int
    window: timedelta
    lockout: timedelta


LOGIN_POLICY = ThrottlePolicy(limit=5, window=timedelta(minutes=15), lockout=timedelta(minutes=15))


def throttle_locked_until(session: Session, key: str, *, now: datetime | None = None) -> datetime | None:
    """When the lockout on this key ends, or None if it is not locked."""
    row = session.get(Throttle, key)
    now = now or utc_now()
    if row is None or row.locked_until is None:
        return None
    until = as_utc(row.locked_until)
    return until if until > now else None


def record_failure(
    session: Session, key: str, policy: ThrottlePolicy, *, now: datetime | None = None
) -> bool:
    """Count a failure; True when this one starts a lockout."""
    now = now or utc_now()
    row = session.get(Throttle, key)
    if row is None:
        row = Throttle(key=key, failures=0, window_started_at=now)
        session.add(row)
    if as_utc(row.window_started_at) + policy.window < now:
        row.failures, row.window_started_at, row.locked_until = 0, now, None
    row.failures += 1
    locked = row.failures >= policy.limit
    if locked:
        row.locked_until = now + policy.lockout
        row.failures, row.window_started_at = 0, now
    session.flush()
    return locked


def clear_throttle(session: Session, key: str) -> None:
    """Forget the failures on this key after a success."""
    row = session.get(Throttle, key)
    if row is not None:
        session.delete(row)
        session.flush()


def authenticate(session: Session, *, username: str, password: str) -> AdminUser | None:
    """The active user with this name and password, or None. Throttling is the caller's job."""
    user = session.scalar(select(AdminUser).where(AdminUser.username == username.strip()))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        return None
    user.last_login_at = utc_now()
    session.flush()
    return user


def audit(
    session: Session,
    *,
    actor: AdminUser | None,
    action: str,
    target_type: str = "",
    target_id: object = "",
    detail: dict[str, Any] | None = None,
    ip: str = "",
) -> None:
    """Record who did what."""
    session.add(
        AuditLog(
            actor_id=actor.id if actor else None,
            actor_label=actor.username if actor else "",
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            detail=detail or {},
            ip=ip,
        )
    )
    session.flush()
