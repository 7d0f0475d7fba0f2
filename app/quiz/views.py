"""Employee pages before the quiz: the campaign link, identification, study, starting an attempt."""

import secrets
from random import Random
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from jinja2.environment import TemplateModule
from sqlalchemy import Connection
from starlette.responses import Response

import questions as qlib
from app.accounts.dependencies import client_ip
from app.accounts.models import Person, Unit
from app.core.exceptions import AppError
from app.core.templating import render, render_fragment
from app.core.timeutil import utc_now
from app.db.fastpath import FastPathDep
from app.db.session import SessionDep
from app.quiz import campaigns as campaign_service
from app.quiz import identity, live, results, service, study
from app.quiz.attempt_views import router as attempt_router
from app.quiz.dependencies import (
    CampaignFromSlug,
    IdentifiedPerson,
    SettledOverdue,
    attempt_facts,
    forget_person,
    identified_person_id,
    maybe_person,
    remember_person,
)
from app.quiz.exceptions import CampaignDraft, CampaignNotFound, IdentifyLocked, StudyRequired
from app.quiz.models import Campaign, CampaignStatus, IdentityMode
from app.quiz.presenters import campaign_rules
from app.quiz.schemas import FontForm, IdentifyForm, StartForm, StudyBeat

router = APIRouter()
router.include_router(attempt_router)

FONT_COOKIE = "ceyice_font"
# A county may have hundreds of units: beyond this many, groups start folded until the person searches.
FOLD_UNITS_OVER = 40


@router.get("/c/{slug}", name="quiz:entry", dependencies=[SettledOverdue])
def entry(request: Request, slug: str, session: SessionDep, u: str = "") -> Response:
    campaign = campaign_service.find_campaign_by_slug(session, slug)
    if campaign is None or campaign.status == CampaignStatus.DRAFT:
        # Friendly and indistinguishable: a draft's link must not reveal that the campaign exists.
        reason = "unknown" if campaign is None else "draft"
        return render(request, "quiz/unavailable.html", {"reason": reason}, status_code=404)
    person = _person_for(request, session, campaign)
    context: dict[str, object] = {
        "campaign": campaign,
        "rules": campaign_rules(campaign),
        "state": service.window(campaign),
        "person": person,
        "preset": identity.find_campaign_unit(session, campaign, code=u) if u else None,
        "unit_code": u,
    }
    if person is not None:
        context.update(_progress(session, campaign, person))
    return render(request, "quiz/entry.html", context)


def _person_for(request: Request, session: SessionDep, campaign: Campaign) -> Person | None:
    # The entry page renders unknown and draft campaigns itself, so it cannot take CampaignFromSlug.
    return maybe_person(request, campaign, session)


def _progress(session: SessionDep, campaign: Campaign, person: Person) -> dict[str, object]:
    current = service.find_in_progress(session, campaign=campaign, person_id=person.id)
    if current is not None and service.expire_if_due(session, current):
        current = None
    attempts = service.attempts_of(session, campaign=campaign, person_id=person.id)
    return {
        "unit": session.get_one(Unit, person.unit_id),
        "in_progress": current,
        "attempts": [a for a in attempts if a.status == "submitted"],
        "counted": next((a for a in attempts if a.counted), None),
        "attempts_left": service.attempts_left(session, campaign=campaign, person_id=person.id),
        "studied": study.studied_seconds(session, campaign=campaign, person_id=person.id),
        "study_left": study.seconds_still_required(session, campaign=campaign, person_id=person.id),
        "reveal": results.answers_visible(campaign),
    }


@router.get("/c/{slug}/identify", name="quiz:identify")
def identify_page(request: Request, campaign: CampaignFromSlug, session: SessionDep, u: str = "",
                  q: str = "", unit: int | None = None) -> Response:
    # Cut, not validated: a long search typed into the address bar is no reason for an error page.
    return _identify(request, session, campaign, IdentifyForm(unit_id=unit, q=q[:100]), unit_code=u[:50])


def _identify(request: Request, session: SessionDep, campaign: Campaign, form: IdentifyForm, *,
              unit_code: str = "", error: str | None = None, contact: str | None = None,
              status_code: int = 200) -> Response:
    chosen = identity.find_campaign_unit(session, campaign, unit_id=form.unit_id, code=unit_code)
    units = identity.campaign_units(session, campaign)
    groups = identity.group_units(units, query=form.q) if chosen is None else []
    return render(request, "quiz/identify.html", {
        "campaign": campaign,
        "form": form,
        "chosen": chosen,
        "unit_code": unit_code if chosen is not None else "",
        "groups": groups,
        "fold": not form.q and len(units) > FOLD_UNITS_OVER,
        "open_mode": campaign.identity_mode == IdentityMode.OPEN,
        "state": service.window(campaign),
        "error": error,
        "contact": contact,
    }, status_code=status_code)


@router.post("/c/{slug}/identify", name="quiz:identify_submit")
def identify_submit(request: Request, campaign: CampaignFromSlug, session: SessionDep,
                    form: Annotated[IdentifyForm, Form()], u: str = "") -> Response:
    chosen = identity.find_campaign_unit(session, campaign, unit_id=form.unit_id, code=u)
    name = identity.clean_name(form.name)
    if chosen is None or not name or (campaign.identity_mode == IdentityMode.ROSTER and not form.code.strip()):
        missing = "单位" if chosen is None else "姓名" if not name else "手机号后4位或工号"
        return _identify(request, session, campaign, form, unit_code=u, error=f"请填写{missing}。",
                         status_code=422)
    keys = identity.throttle_keys(campaign, name=name, address=client_ip(request))
    if identity.is_locked(session, keys):
        return _identify(request, session, campaign, form, unit_code=u, error=IdentifyLocked.message,
                         status_code=429)
    if campaign.identity_mode == IdentityMode.OPEN:
        person: Person | None = identity.declare_person(session, unit=chosen, name=name)
    else:
        person = identity.match_roster(session, unit=chosen, name=name, code=form.code)
    if person is None:
        # Returned, not raised: the failure must be committed for the throttle to count it.
        locked = identity.record_failure(session, keys)
        liaison = identity.liaison_for(session, chosen)
        contact = (liaison.display_name or liaison.username) if liaison else None
        error = IdentifyLocked.message if locked else (
            f"在“{chosen.full_name}”的名单中没有找到与“{name}”和所填号码相符的人员。"
            "请核对姓名（与单位花名册一致）和手机号后4位或工号，或检查所选单位。")
        return _identify(request, session, campaign, form, unit_code=u, error=error, contact=contact,
                         status_code=429 if locked else 422)
    identity.clear_failures(session, keys)
    remember_person(request, campaign, person)
    current = service.find_in_progress(session, campaign=campaign, person_id=person.id)
    if current is not None:
        return RedirectResponse(request.url_for("quiz:attempt", token=current.token), status_code=303)
    if service.attempts_left(session, campaign=campaign, person_id=person.id) == 0:
        return RedirectResponse(request.url_for("quiz:entry", slug=campaign.slug), status_code=303)
    return RedirectResponse(request.url_for("quiz:study", slug=campaign.slug), status_code=303)


@router.post("/c/{slug}/leave", name="quiz:leave")
def leave(request: Request, campaign: CampaignFromSlug) -> Response:
    forget_person(request, campaign)
    return RedirectResponse(request.url_for("quiz:identify", slug=campaign.slug), status_code=303)


@router.get("/c/{slug}/study", name="quiz:study")
async def study_page(request: Request, slug: str, fast: FastPathDep, error: str = "") -> Response:
    def read(connection: Connection) -> tuple[Campaign | None, int | None, study.Standing | None,
                                              study.ReportRef | None]:
        campaign = study.find_campaign(connection, slug)
        if campaign is None or campaign.status == CampaignStatus.DRAFT:
            return campaign, None, None, None
        person_id = identified_person_id(request, campaign.id)
        if person_id is None:
            return campaign, None, None, None
        standing = study.standing(connection, campaign_id=campaign.id, person_id=person_id)
        return campaign, person_id, standing, study.report_of_bank(connection, campaign.bank_id)

    campaign, person_id, standing, report = await fast.read(read)
    if campaign is None:
        raise CampaignNotFound()
    if campaign.status == CampaignStatus.DRAFT:
        raise CampaignDraft()
    if person_id is None or standing is None:
        return RedirectResponse(request.url_for("quiz:identify", slug=campaign.slug), status_code=303)
    now = utc_now()
    open_token = standing.open_token
    if open_token is not None and standing.open_deadline is not None and now > standing.open_deadline + live.GRACE:
        facts = await attempt_facts(request, fast, open_token)
        if facts is not None:
            # The server is the clock: whoever touches an overdue attempt first submits it.
            await fast.write(lambda connection: live.submit_open(connection, facts, now=now, overdue_only=True))
        open_token = None
    visit_id = await fast.write(lambda connection: study.open_visit(
        connection, campaign_id=campaign.id, person_id=person_id, unit_id=standing.unit_id, now=now))
    document, article = await _report_article(fast, report)
    required = campaign.study_seconds_required
    return render(request, "quiz/study.html", {
        "campaign": campaign,
        "report": report,
        "document": document,
        "article": article,
        "visit_id": visit_id,
        "open_token": open_token,
        "studied": standing.studied,
        "study_left": max(required - standing.studied, 0) if required > 0 else 0,
        "attempts_left": max(campaign.max_attempts - standing.used, 0),
        "state": service.window(campaign, now),
        "error": StudyRequired.message if error == "study" else None,
        "large": request.cookies.get(FONT_COOKIE) == "large",
    })


_articles: dict[str, tuple[qlib.Document, TemplateModule]] = {}
# Reports a process keeps rendered: a county runs a few campaigns at a time.
CACHED_ARTICLES = 8


async def _report_article(fast: FastPathDep, report: study.ReportRef | None,
                          ) -> tuple[qlib.Document | None, TemplateModule]:
    """The report's sections and their HTML, rendered once per report and process.

    Everyone reads the same report: rendering its ~200 paragraphs cost more than the rest of the page.
    """
    if report is None:
        return None, render_fragment("quiz/_report.html", document=None)
    cached = _articles.get(report.sha256)
    if cached is None:
        text = await fast.read(lambda connection: study.report_text(connection, report.id))
        document = study.parse_report(text)
        cached = (document, render_fragment("quiz/_report.html", document=document))
        if len(_articles) >= CACHED_ARTICLES:
            _articles.pop(next(iter(_articles)))
        _articles[report.sha256] = cached
    return cached


@router.post("/api/c/{slug}/study/{visit_id}", name="quiz:study_beat")
def study_beat(campaign: CampaignFromSlug, person: IdentifiedPerson, session: SessionDep,
               visit_id: int) -> StudyBeat:
    visit = study.get_visit(session, visit_id=visit_id, campaign=campaign, person_id=person.id)
    study.record_reading(session, visit)
    return StudyBeat(seconds=study.studied_seconds(session, campaign=campaign, person_id=person.id),
                     required_left=study.seconds_still_required(session, campaign=campaign, person_id=person.id))


@router.post("/c/{slug}/start", name="quiz:start")
def start(request: Request, campaign: CampaignFromSlug, person: IdentifiedPerson, session: SessionDep,
          form: Annotated[StartForm, Form()]) -> Response:
    current = service.find_in_progress(session, campaign=campaign, person_id=person.id)
    if current is not None and not service.expire_if_due(session, current):
        return RedirectResponse(request.url_for("quiz:attempt", token=current.token), status_code=303)
    if form.visit is not None:
        visit = study.find_visit(session, visit_id=form.visit, campaign=campaign, person_id=person.id)
        if visit is not None:
            # Without JavaScript no heartbeat came: the time on the page is the reading time.
            study.record_reading(session, visit, cap=study.FALLBACK_CAP)
    try:
        study.check_studied(session, campaign=campaign, person_id=person.id)
        attempt = service.start_attempt(session, campaign=campaign, person=person,
                                        rng=Random(secrets.randbits(64)),  # noqa: S311  (a draw, not a secret)
                                        user_agent=request.headers.get("user-agent", ""))
    except StudyRequired as exc:
        # Rendered, not raised, so the reading time just credited is kept.
        context = _progress(session, campaign, person)
        return render(request, "quiz/notice.html", {"campaign": campaign, "title": "请先学习", "message": exc.message,
                                                    "study_link": True, **context}, status_code=409)
    except AppError as exc:
        return render(request, "quiz/notice.html", {"campaign": campaign, "title": "无法开始答题",
                                                    "message": exc.message, "study_link": False},
                      status_code=exc.status_code)
    return RedirectResponse(request.url_for("quiz:question", token=attempt.token, number=1), status_code=303)


@router.post("/font", name="quiz:font")
def font(request: Request, form: Annotated[FontForm, Form()]) -> Response:
    target = form.next if form.next.startswith("/") and not form.next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if form.size == "large":
        response.set_cookie(FONT_COOKIE, "large", max_age=365 * 24 * 3600, samesite="lax")
    else:
        response.delete_cookie(FONT_COOKIE)
    return response


# FastAPI tries each route's pattern in turn (~8 µs apiece): the requests nearly all traffic is made of
# are matched first instead of after two dozen others.
_BUSIEST = ("quiz:api_save", "quiz:question", "quiz:study", "quiz:submit", "quiz:study_beat", "quiz:review",
            "quiz:attempt")
router.routes.sort(key=lambda route: _BUSIEST.index(name) if (name := getattr(route, "name", "")) in _BUSIEST
                   else len(_BUSIEST))
