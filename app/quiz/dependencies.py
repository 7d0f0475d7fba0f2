"""Load-and-check dependencies of the employee pages: the campaign, who is answering, their attempt."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from app.accounts.models import Person
from app.core.ratelimit import RateLimit
from app.db.fastpath import FastPathDep
from app.db.session import SessionDep, write_apart
from app.quiz import campaigns as campaign_service
from app.quiz import live, service
from app.quiz.exceptions import (
    AttemptNotFound,
    CampaignDraft,
    CampaignNotFound,
    NotIdentified,
    NotYourAttempt,
    SubmitThrottled,
)
from app.quiz.models import Attempt, Campaign, CampaignStatus

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


def check_owner(request: Request, *, campaign_id: int, owner_id: int) -> None:
    """Refuse anyone but the identified owner of an attempt (the one ownership check of every attempt route)."""
    person_id = identified_person_id(request, campaign_id)
    if person_id is None:
        raise NotIdentified()
    if person_id != owner_id:
        raise NotYourAttempt()


def _owned_attempt(token: str, request: Request, session: SessionDep) -> Attempt:
    attempt = service.get_attempt_by_token(session, token)
    check_owner(request, campaign_id=attempt.campaign_id, owner_id=attempt.person_id)
    return attempt


async def attempt_from_path(token: str, request: Request, session: SessionDep) -> Attempt:
    """The attempt of the URL, only for the person who owns it; an overdue one is submitted on the way."""
    attempt = await run_in_threadpool(_owned_attempt, token, request, session)
    if service.is_overdue(attempt):
        # The server is the clock: whoever touches an overdue attempt first submits it.
        await write_apart(request, session, lambda: service.expire_if_due(session, attempt))
    return attempt


AttemptDep = Annotated[Attempt, Depends(attempt_from_path)]


async def attempt_facts(request: Request, fast: FastPathDep, token: str) -> live.AttemptFacts | None:
    """The facts of an attempt by token, from the process's cache after the first time (no ownership check)."""
    cache: live.FactsCache = request.app.state.attempt_facts
    facts = cache.get(token)
    if facts is None:
        facts = await fast.read(lambda connection: live.load_facts(connection, token))
        if facts is not None:
            cache.put(facts)
    return facts


async def live_attempt(token: str, request: Request, fast: FastPathDep) -> live.AttemptFacts:
    """The facts of the URL's attempt, only for the person who owns it (the pages' and autosave's check).

    The facts come from the process's cache after the first request; whether the attempt is still open is
    read (or guarded in SQL) by the route itself on every request.
    """
    facts = await attempt_facts(request, fast, token)
    if facts is None:
        raise AttemptNotFound()
    check_owner(request, campaign_id=facts.campaign_id, owner_id=facts.person_id)
    return facts


LiveAttemptDep = Annotated[live.AttemptFacts, Depends(live_attempt)]


async def submit_allowed(request: Request, attempt: LiveAttemptDep) -> None:
    """Refuse a person's submissions beyond a few a minute: people tap twice, bots tap thousands of times."""
    limit: RateLimit = request.app.state.submit_limit
    if not limit.allow(attempt.person_id):
        raise SubmitThrottled()


SubmitAllowed = Depends(submit_allowed)


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


async def form_data(request: Request) -> FormData:
    """The posted form (already parsed by the CSRF check), for forms whose fields depend on the attempt."""
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]
