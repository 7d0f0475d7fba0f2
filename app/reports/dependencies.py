"""Loading a campaign and the unit a report page is about, refused outside the caller's scope."""

from typing import Annotated

from fastapi import Depends

from app.accounts.dependencies import ScopeDep
from app.accounts.models import Unit
from app.accounts.service import get_unit
from app.db.session import SessionDep
from app.quiz.campaigns import get_campaign
from app.quiz.models import Campaign


def campaign_from_path(campaign_id: int, session: SessionDep) -> Campaign:
    """The campaign named in the path."""
    return get_campaign(session, campaign_id)


CampaignDep = Annotated[Campaign, Depends(campaign_from_path)]


def unit_from_query(scope: ScopeDep, session: SessionDep, unit: int | None = None) -> Unit | None:
    """The unit asked for by ?unit=, refused outside scope; without it, the caller's own unit (None: all)."""
    if unit is None:
        return scope.unit
    return scope.check(get_unit(session, unit))


ViewUnit = Annotated[Unit | None, Depends(unit_from_query)]
