"""The admin console's home; the console's other pages hang off the same guarded router."""

from fastapi import APIRouter, Depends, Request
from sqlalchemy import func, select
from starlette.responses import Response

from app.accounts.dependencies import ScopeDep, current_admin
from app.accounts.models import Person, Unit
from app.banks.models import Bank
from app.core.templating import render
from app.db.session import SessionDep
from app.quiz.models import Campaign

# Every route below requires a signed-in admin or liaison; finer checks use ScopeDep / AdminDep.
router = APIRouter(prefix="/admin", dependencies=[Depends(current_admin)])


@router.get("", name="admin:home")
def home(request: Request, session: SessionDep, scope: ScopeDep) -> Response:
    units = select(func.count()).select_from(Unit)
    people = select(func.count()).select_from(Person).join(Unit).where(Person.active)
    clause = scope.unit_filter(Unit.tree_path)
    if clause is not None:
        units, people = units.where(clause), people.where(clause)
    counts = {
        "units": session.scalar(units) or 0,
        "people": session.scalar(people) or 0,
        "banks": session.scalar(select(func.count()).select_from(Bank)) or 0,
        "campaigns": session.scalar(select(func.count()).select_from(Campaign)) or 0,
    }
    campaigns = list(session.scalars(select(Campaign).order_by(Campaign.created_at.desc()).limit(20)))
    return render(request, "admin/home.html", {"scope": scope, "counts": counts, "campaigns": campaigns})


# Imported after `router` exists: the sections hang off this one guarded router.
from app.admin import account_views, banks_views, campaign_views, roster_views  # noqa: E402

for _section in (banks_views, campaign_views, roster_views, account_views):
    router.include_router(_section.router)
