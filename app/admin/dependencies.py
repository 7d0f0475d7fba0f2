"""What admin pages share: background work, one-shot messages, loading objects of the caller's scope."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.accounts.dependencies import ScopeDep
from app.accounts.exceptions import PersonNotFound, RosterImportNotFound
from app.accounts.models import Job, Person
from app.accounts.service import get_unit
from app.banks.jobs import Sessions
from app.db.session import SessionDep

FLASH_KEY = "flash"
ROSTER_IMPORT = "roster_import"


@dataclass
class Background:
    """Starts long work (bank generation) in its own thread with its own database sessions."""

    sessions: Sessions

    def start(self, work: Callable[[Sessions, int], None], job_id: int) -> None:
        threading.Thread(target=work, args=(self.sessions, job_id), name=f"ceyice-job-{job_id}", daemon=True).start()


def background(request: Request) -> Background:
    """Background work bound to the app's database."""
    return Background(sessions=request.app.state.sessionmaker.begin)


BackgroundDep = Annotated[Background, Depends(background)]


def flash(request: Request, message: str, kind: str = "success") -> None:
    """A message shown once on the next page (after a POST → 303 redirect)."""
    messages = list(request.session.get(FLASH_KEY, []))
    messages.append([kind, message])
    request.session[FLASH_KEY] = messages[-3:]


def pop_flashes(request: Request) -> list[list[str]]:
    """The pending one-shot messages, removed from the session."""
    return list(request.session.pop(FLASH_KEY, []))


def person_in_scope(person_id: int, scope: ScopeDep, session: SessionDep) -> Person:
    """A person from the path, refused unless their unit lies inside the caller's scope."""
    person = session.get(Person, person_id)
    if person is None:
        raise PersonNotFound()
    scope.check(get_unit(session, person.unit_id))
    return person


ScopedPerson = Annotated[Person, Depends(person_in_scope)]


def import_job_in_scope(job_id: int, scope: ScopeDep, session: SessionDep) -> Job:
    """An uploaded roster awaiting confirmation; a liaison reaches only the ones they uploaded."""
    job = session.get(Job, job_id)
    if job is None or job.kind != ROSTER_IMPORT or not (scope.is_admin or job.created_by_id == scope.user.id):
        # Someone else's upload is simply not there for a liaison: its file names people of other units.
        raise RosterImportNotFound()
    return job


ScopedImportJob = Annotated[Job, Depends(import_job_in_scope)]
