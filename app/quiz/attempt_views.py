"""Employee pages of one attempt: a question per screen, all on one page, submit, result, autosave API."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.responses import Response

from app.accounts.models import Person, Unit
from app.core.exceptions import AppError
from app.core.templating import render
from app.core.timeutil import as_utc, format_local
from app.db.session import SessionDep
from app.quiz import results, scoring, service
from app.quiz.dependencies import AttemptDep, FormDep
from app.quiz.exceptions import AttemptFinished, QuestionNotFound
from app.quiz.models import Attempt, AttemptStatus, Campaign
from app.quiz.presenters import KIND_HINTS, KIND_LABELS, describe, letter, minutes_seconds
from app.quiz.schemas import SaveAnswerBody, SavedAnswer

router = APIRouter()


def _redirect(request: Request, name: str, **params: Any) -> Response:
    return RedirectResponse(request.url_for(name, **params), status_code=303)


def _result(request: Request, attempt: Attempt) -> Response:
    return _redirect(request, "quiz:result", token=attempt.token)


def _common(session: SessionDep, attempt: Attempt) -> dict[str, Any]:
    """What every in-progress page shows: the public questions, saved responses, clock and progress."""
    campaign = session.get_one(Campaign, attempt.campaign_id)
    responses = service.responses_of(session, attempt)
    left = service.time_left(attempt)
    return {
        "attempt": attempt,
        "campaign": campaign,
        # Only public_item() output reaches templates before submission: no key, no evidence.
        "items": [scoring.public_item(item) for item in attempt.snapshot],
        "responses": responses,
        "answered": len(responses),
        "total": len(attempt.snapshot),
        "seconds_left": left,
        "deadline": attempt.deadline_at,
        "kind_labels": KIND_LABELS,
        "kind_hints": KIND_HINTS,
        "letter": letter,
    }


@router.get("/a/{token}", name="quiz:attempt")
def attempt_home(request: Request, attempt: AttemptDep, session: SessionDep) -> Response:
    if attempt.status == AttemptStatus.SUBMITTED:
        return _result(request, attempt)
    responses = service.responses_of(session, attempt)
    first_open = next((i for i in range(len(attempt.snapshot)) if i not in responses), len(attempt.snapshot) - 1)
    return _redirect(request, "quiz:question", token=attempt.token, number=first_open + 1)


@router.get("/a/{token}/q/{number}", name="quiz:question")
def question(request: Request, attempt: AttemptDep, session: SessionDep, number: int) -> Response:
    if attempt.status == AttemptStatus.SUBMITTED:
        return _result(request, attempt)
    context = _common(session, attempt)
    if not 1 <= number <= context["total"]:
        raise QuestionNotFound()
    context.update({"number": number, "item": context["items"][number - 1]})
    return render(request, "quiz/question.html", context)


def _save_posted(session: SessionDep, attempt: Attempt, form: FormDep, positions: list[int]) -> str | None:
    """Save the responses a form carries for these positions; a Chinese error if one was refused."""
    try:
        # All or nothing: a refused response leaves the form's other answers as they were, too.
        with session.begin_nested():
            for position in positions:
                field = f"r{position}"
                if field not in form and f"present{position}" not in form:
                    continue
                values = [v for v in form.getlist(field) if isinstance(v, str)]
                service.save_answer(session, attempt=attempt, position=position, response=values)
    except AppError as exc:
        return exc.message
    return None


def _go(request: Request, attempt: Attempt, go: str, number: int) -> Response:
    total = len(attempt.snapshot)
    if go == "prev":
        return _redirect(request, "quiz:question", token=attempt.token, number=max(number - 1, 1))
    if go == "next":
        if number >= total:
            return _redirect(request, "quiz:review", token=attempt.token)
        return _redirect(request, "quiz:question", token=attempt.token, number=number + 1)
    if go == "review":
        return _redirect(request, "quiz:review", token=attempt.token)
    if go == "all":
        return _redirect(request, "quiz:all", token=attempt.token)
    if go.isdigit() and 1 <= int(go) <= total:
        return _redirect(request, "quiz:question", token=attempt.token, number=int(go))
    return _redirect(request, "quiz:question", token=attempt.token, number=min(max(number, 1), total))


@router.post("/a/{token}/q/{number}", name="quiz:answer")
def answer(request: Request, attempt: AttemptDep, session: SessionDep, form: FormDep, number: int) -> Response:
    if attempt.status == AttemptStatus.SUBMITTED:
        return _result(request, attempt)
    if not 1 <= number <= len(attempt.snapshot):
        raise QuestionNotFound()
    error = _save_posted(session, attempt, form, [number - 1])
    if error:
        context = _common(session, attempt)
        context.update({"number": number, "item": context["items"][number - 1], "error": error})
        return render(request, "quiz/question.html", context, status_code=422)
    go = form.get("go")
    return _go(request, attempt, go if isinstance(go, str) else "next", number)


@router.get("/a/{token}/all", name="quiz:all")
def all_questions(request: Request, attempt: AttemptDep, session: SessionDep) -> Response:
    if attempt.status == AttemptStatus.SUBMITTED:
        return _result(request, attempt)
    return render(request, "quiz/all.html", _common(session, attempt))


@router.post("/a/{token}/all", name="quiz:all_save")
def all_save(request: Request, attempt: AttemptDep, session: SessionDep, form: FormDep) -> Response:
    if attempt.status == AttemptStatus.SUBMITTED:
        return _result(request, attempt)
    error = _save_posted(session, attempt, form, list(range(len(attempt.snapshot))))
    if error:
        context = _common(session, attempt)
        context["error"] = error
        return render(request, "quiz/all.html", context, status_code=422)
    go = form.get("go")
    if go == "submit":
        return _redirect(request, "quiz:review", token=attempt.token)
    return _redirect(request, "quiz:all", token=attempt.token)


@router.get("/a/{token}/review", name="quiz:review")
def review(request: Request, attempt: AttemptDep, session: SessionDep) -> Response:
    if attempt.status == AttemptStatus.SUBMITTED:
        return _result(request, attempt)
    return render(request, "quiz/review.html", _common(session, attempt))


@router.post("/a/{token}/submit", name="quiz:submit")
def submit(request: Request, attempt: AttemptDep, session: SessionDep) -> Response:
    # Idempotent: a second tap, a retry or the timer's own submit all land on the same result.
    service.submit_attempt(session, attempt=attempt)
    return _result(request, attempt)


@router.get("/a/{token}/result", name="quiz:result")
def result(request: Request, attempt: AttemptDep, session: SessionDep) -> Response:
    if attempt.status != AttemptStatus.SUBMITTED:
        return _redirect(request, "quiz:attempt", token=attempt.token)
    campaign = session.get_one(Campaign, attempt.campaign_id)
    reveal = results.answers_visible(campaign)
    person = session.get_one(Person, attempt.person_id)
    attempts = service.attempts_of(session, campaign=campaign, person_id=person.id)
    timed_out = attempt.deadline_at is not None and attempt.submitted_at is not None and (
        as_utc(attempt.submitted_at) >= as_utc(attempt.deadline_at))
    return render(request, "quiz/result.html", {
        "attempt": attempt,
        "campaign": campaign,
        "person": person,
        "unit": session.get_one(Unit, attempt.unit_id),
        "items": results.result_items(session, attempt, reveal=reveal),
        "reveal": reveal,
        "counted": next((a for a in attempts if a.counted), None),
        "attempt_count": len(attempts),
        "attempts_left": service.attempts_left(session, campaign=campaign, person_id=person.id),
        "can_retry": service.window(campaign) is service.Window.OPEN,
        "timed_out": timed_out,
        "duration": minutes_seconds(attempt.duration_seconds),
        "correct": sum(1 for a in service.answers_of(session, attempt).values() if (a.fraction or 0) >= 1),
        "kind_labels": KIND_LABELS,
        "letter": letter,
        "describe": describe,
    })


@router.post("/api/attempts/{token}/answers/{position}", name="quiz:api_save")
def api_save(attempt: AttemptDep, session: SessionDep, position: int, body: SaveAnswerBody) -> Response:
    if attempt.status == AttemptStatus.SUBMITTED:
        # Returned, not raised: an expiry the dependency just made must be committed.
        return JSONResponse({"error": AttemptFinished.message, "submitted": True}, status_code=409)
    try:
        saved = service.save_answer(session, attempt=attempt, position=position, response=body.response)
    except AppError as exc:
        return JSONResponse({"error": exc.message}, status_code=exc.status_code)
    answered = len(service.responses_of(session, attempt))
    return JSONResponse(SavedAnswer(saved=True, saved_at=_clock(saved), answered=answered).model_dump())


def _clock(value: datetime) -> str:
    return format_local(value, "%H:%M:%S")
