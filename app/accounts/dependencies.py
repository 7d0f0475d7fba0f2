"""Who is signed in, and the one place that decides which units they may see."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

from app.accounts.exceptions import AdminOnly, LoginRequired, OutsideScope
from app.accounts.models import AdminUser, Role, Unit
from app.accounts.service import get_unit
from app.db.session import SessionDep

ADMIN_SESSION_KEY = "admin"


def sign_in(request: Request, user: AdminUser) -> None:
    """Start a fresh admin session (old contents dropped, so a planted session id is worthless)."""
    request.session.clear()
    request.session[ADMIN_SESSION_KEY] = [user.id, user.session_version]


def sign_out(request: Request) -> None:
    """End the admin session."""
    request.session.clear()


def find_current_admin(request: Request, session: SessionDep) -> AdminUser | None:
    """The signed-in admin user, if the cookie names a live account and session version."""
    value = request.session.get(ADMIN_SESSION_KEY)
    if not (isinstance(value, list) and len(value) == 2):
        return None
    user = session.get(AdminUser, value[0])
    if user is None or not user.active or user.session_version != value[1]:
        return None
    return user


def current_admin(user: Annotated[AdminUser | None, Depends(find_current_admin)]) -> AdminUser:
    """The signed-in admin user; anyone else is sent to log in."""
    if user is None:
        raise LoginRequired()
    return user


CurrentAdmin = Annotated[AdminUser, Depends(current_admin)]
MaybeAdmin = Annotated[AdminUser | None, Depends(find_current_admin)]


@dataclass(frozen=True)
class Scope:
    """What the signed-in user may see: everything (organiser) or one unit's subtree (liaison)."""

    user: AdminUser
    unit: Unit | None

    @property
    def is_admin(self) -> bool:
        return self.unit is None

    def covers(self, unit: Unit) -> bool:
        """Whether a unit lies inside this scope."""
        return self.unit is None or unit.tree_path.startswith(self.unit.tree_path)

    def check(self, unit: Unit) -> Unit:
        """The unit, if it lies inside this scope; otherwise refused."""
        if not self.covers(unit):
            raise OutsideScope()
        return unit

    def unit_filter(self, tree_path: InstrumentedAttribute[str]) -> ColumnElement[bool] | None:
        """A WHERE clause restricting Unit.tree_path to this scope (None for organisers)."""
        return None if self.unit is None else tree_path.startswith(self.unit.tree_path)


def scope(user: CurrentAdmin, session: SessionDep) -> Scope:
    """The signed-in user's scope."""
    if user.role == Role.ADMIN:
        return Scope(user=user, unit=None)
    if user.unit_id is None:
        raise AdminOnly()
    return Scope(user=user, unit=get_unit(session, user.unit_id))


ScopeDep = Annotated[Scope, Depends(scope)]


def require_admin(user: CurrentAdmin) -> AdminUser:
    """Only organisers pass: banks, campaigns and accounts are theirs alone."""
    if user.role != Role.ADMIN:
        raise AdminOnly()
    return user


AdminDep = Annotated[AdminUser, Depends(require_admin)]


def client_ip(request: Request) -> str:
    """The caller's address, as the first proxy saw it when behind nginx."""
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded and request.client and request.client.host in {"127.0.0.1", "::1"}:
        return forwarded.split(",")[0].strip()
    return request.client.host if request.client else ""


def unit_in_scope(unit_id: int, scope: ScopeDep, session: SessionDep) -> Unit:
    """A unit from the path, refused unless it lies inside the caller's scope."""
    return scope.check(get_unit(session, unit_id))


ScopedUnit = Annotated[Unit, Depends(unit_in_scope)]
