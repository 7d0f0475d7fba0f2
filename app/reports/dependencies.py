"""Loading a campaign and the unit a report page is about, refused outside the caller's scope."""

from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from app.accounts.dependencies import ScopeDep, ScopedUnit
from app.accounts.exceptions import PersonNotFound
from app.accounts.models import Person, Unit
from app.accounts.service import get_unit
from app.db.session import SessionDep
from app.quiz.campaigns import get_campaign
from app.quiz.models import Campaign
from app.reports.jobs import Runner


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


def person_in_unit(person_id: int, unit: ScopedUnit, session: SessionDep) -> Person:
    """An active person from the path, refused unless they belong to the (scoped) unit's subtree."""
    person = session.get(Person, person_id)
    if person is None or not person.active:
        raise PersonNotFound()
    home = get_unit(session, person.unit_id)
    if not home.tree_path.startswith(unit.tree_path):
        raise PersonNotFound()
    return person


PersonDep = Annotated[Person, Depends(person_in_unit)]


async def form_lists(request: Request) -> dict[str, list[str]]:
    """The posted form as lists of strings (check boxes send one field several times)."""
    form = await request.form()
    return {key: [value for value in form.getlist(key) if isinstance(value, str)] for key in form}


FormLists = Annotated[dict[str, list[str]], Depends(form_lists)]


def exports_directory(request: Request) -> Path:
    """Where background exports write their files (under the data directory)."""
    return Path(request.app.state.settings.data_dir) / "exports"


ExportsDirectory = Annotated[Path, Depends(exports_directory)]


def export_runner(request: Request, directory: ExportsDirectory) -> Runner:
    """Background export jobs bound to the app's database."""
    return Runner(sessions=request.app.state.sessionmaker.begin, directory=directory)


ExportRunner = Annotated[Runner, Depends(export_runner)]
