"""Load-and-check dependencies of the employee pages: the campaign, who is answering, their attempt."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from app.accounts.models import Person
from app.db.session import SessionDep, write_apart
from app.quiz import campaigns as campaign_service
from app.quiz import service, study
from app.quiz.exceptions import CampaignDraft, CampaignNotFound, NotIdentified, NotYourAttempt
from app.quiz.models import Attempt, Campaign, CampaignStatus, StudySession

QUIZ_SESSION_KEY = "quiz"


def remember_person(request: Request, campaign: Campaign, person: Person) -> None:
    """Keep who is answering this campaign in the signed session cookie."""
    known = dict(request.session.get(QUIZ_SESSION_KEY) or {})
    known[str(campaign.id)] = person.id
    request.session[QUIZ_SESSION_KEY] = known


def forget_person(request: Request, campaign: Campaign) -> None:
    """Let someone else identify on this phone."""
    known = dict(request.session.get(QUIZ_SESSION_KEY) or {})
    known.pop(str(campaign.id), None)
    request.session[QUIZ_SESSION_KEY] = known


def identified_person_id(request: Request, campaign_id: int) -> int | None:
    """The person this browser identified as for a campaign, if any."""
    known = request.session.get(QUIZ_SESSION_KEY)
    value = known.get(str(campaign_id)) if isinstance(known, dict) else None
    return value if isinstance(value, int) else None


def campaign_from_slug(slug: str, session: SessionDep) -> Campaign:
    """The published (or closed) campaign behind a link; drafts stay hidden."""
    campaign = campaign_service.find_campaign_by_slug(session, slug)
    if campaign is None:
        raise CampaignNotFound()
    if campaign.status == CampaignStatus.DRAFT:
        raise CampaignDraft()
    return campaign


CampaignFromSlug = Annotated[Campaign, Depends(campaign_from_slug)]


def maybe_person(request: Request, campaign: CampaignFromSlug, session: SessionDep) -> Person | None:
    """The identified, still active person for this campaign, or None."""
    person_id = identified_person_id(request, campaign.id)
    person = session.get(Person, person_id) if person_id is not None else None
    return person if person is not None and person.active else None


MaybePerson = Annotated[Person | None, Depends(maybe_person)]


def identified_person(person: MaybePerson) -> Person:
    """The identified person; anyone else is asked to identify first."""
    if person is None:
        raise NotIdentified()
    return person


IdentifiedPerson = Annotated[Person, Depends(identified_person)]


def _owned_attempt(token: str, request: Request, session: SessionDep) -> Attempt:
    attempt = service.get_attempt_by_token(session, token)
    person_id = identified_person_id(request, attempt.campaign_id)
    if person_id is None:
        raise NotIdentified()
    if person_id != attempt.person_id:
        raise NotYourAttempt()
    return attempt


async def attempt_from_path(token: str, request: Request, session: SessionDep) -> Attempt:
    """The attempt of the URL, only for the person who owns it; an overdue one is submitted on the way."""
    attempt = await run_in_threadpool(_owned_attempt, token, request, session)
    if service.is_overdue(attempt):
        # The server is the clock: whoever touches an overdue attempt first submits it.
        await write_apart(request, session, lambda: service.expire_if_due(session, attempt))
    return attempt


AttemptDep = Annotated[Attempt, Depends(attempt_from_path)]


async def settle_overdue(request: Request, slug: str, session: SessionDep) -> None:
    """Submit the identified person's overdue attempt before a campaign page reads their progress."""
    def find() -> Attempt | None:
        campaign = campaign_service.find_campaign_by_slug(session, slug)
        person_id = identified_person_id(request, campaign.id) if campaign is not None else None
        if campaign is None or person_id is None:
            return None
        current = service.find_in_progress(session, campaign=campaign, person_id=person_id)
        return current if current is not None and service.is_overdue(current) else None

    overdue = await run_in_threadpool(find)
    if overdue is not None:
        await write_apart(request, session, lambda: service.expire_if_due(session, overdue))


SettledOverdue = Depends(settle_overdue)


async def study_visit(request: Request, campaign: CampaignFromSlug, person: MaybePerson,
                      session: SessionDep) -> StudySession | None:
    """A new visit to the study page for the identified person (written apart: it is a GET)."""
    if person is None:
        return None
    return await write_apart(request, session,
                             lambda: study.begin_study(session, campaign=campaign, person_id=person.id))


StudyVisit = Annotated[StudySession | None, Depends(study_visit)]


async def form_data(request: Request) -> FormData:
    """The posted form (already parsed by the CSRF check), for forms whose fields depend on the attempt."""
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]
