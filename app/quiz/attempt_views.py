"""Employee pages of one attempt: a question per screen, all on one page, submit, result, autosave API."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.responses import Response

from app.accounts.models import Person, Unit
from app.core.exceptions import AppError
from app.core.templating import render
from app.core.timeutil import as_utc, format_local, utc_now
from app.db.fastpath import FastPathDep
from app.db.session import SessionDep
from app.quiz import live, results, service
from app.quiz.dependencies import AttemptDep, FormDep, LiveAttemptDep, SubmitAllowed
from app.quiz.exceptions import AttemptFinished, AttemptNotFound, QuestionNotFound
from app.quiz.models import Attempt, AttemptStatus, Campaign
from app.quiz.presenters import KIND_HINTS, KIND_LABELS, describe, letter, minutes_seconds
from app.quiz.responses import clean_response
from app.quiz.schemas import SaveAnswerBody, SavedAnswer

router = APIRouter()


def _redirect(request: Request, name: str, **params: Any) -> Response:
    return RedirectResponse(request.url_for(name, **params), status_code=303)


def _result(request: Request, attempt: Attempt | live.AttemptFacts) -> Response:
    return _redirect(request, "quiz:result", token=attempt.token)


async def _open_progress(fast: FastPathDep, attempt: live.AttemptFacts) -> live.Progress | None:
    """The saved responses of an attempt still being answered; None once it is submitted (overdue ones now)."""
    progress = await fast.read(lambda connection: live.read_progress(connection, attempt.id))
    if progress is None:
        raise AttemptNotFound()
    if progress.status == AttemptStatus.SUBMITTED:
        return None
    now = utc_now()
    if progress.overdue(now):
        await _expire(fast, attempt, now)
        return None
    return progress


async def _expire(fast: FastPathDep, attempt: live.AttemptFacts, now: datetime) -> None:
    # The server is the clock: whoever touches an overdue attempt first submits it.
    await fast.write(lambda connection: live.submit_open(connection, attempt, now=now, overdue_only=True))


def _live_context(attempt: live.AttemptFacts, progress: live.Progress) -> dict[str, Any]:
    """What every in-progress page shows: the public questions, saved responses, clock and progress."""
    return {
        "attempt": attempt,
        "campaign": {"title": progress.campaign_title},
        # Only public items reach templates before submission: no key, no evidence.
        "items": attempt.public_items,
        "responses": progress.responses,
        "answered": len(progress.responses),
        "total": attempt.total,
        "seconds_left": _seconds_left(progress.deadline_at),
        "deadline": progress.deadline_at,
        "kind_labels": KIND_LABELS,
        "kind_hints": KIND_HINTS,
        "letter": letter,
    }


def _seconds_left(deadline: datetime | None) -> int | None:
    return None if deadline is None else max(int((deadline - utc_now()).total_seconds()), 0)


def _common(session: SessionDep, attempt: Attempt) -> dict[str, Any]:
    """The in-progress context for the form posts, which load the attempt through the ORM."""
    campaign = session.get_one(Campaign, attempt.campaign_id)
    progress = live.Progress(status=attempt.status, responses=service.responses_of(session, attempt),
                             campaign_title=campaign.title, deadline_at=attempt.deadline_at)
    return _live_context(service.facts_of(attempt), progress)


@router.get("/a/{token}", name="quiz:attempt")
async def attempt_home(request: Request, attempt: LiveAttemptDep, fast: FastPathDep) -> Response:
    progress = await _open_progress(fast, attempt)
    if progress is None:
        return _result(request, attempt)
    first_open = next((i for i in range(attempt.total) if i not in progress.responses), attempt.total - 1)
    return _redirect(request, "quiz:question", token=attempt.token, number=first_open + 1)


@router.get("/a/{token}/q/{number}", name="quiz:question")
async def question(request: Request, attempt: LiveAttemptDep, fast: FastPathDep, number: int) -> Response:
    progress = await _open_progress(fast, attempt)
    if progress is None:
        return _result(request, attempt)
    if not 1 <= number <= attempt.total:
        raise QuestionNotFound()
    context = _live_context(attempt, progress)
    context.update({"number": number, "item": attempt.public_items[number - 1]})
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
async def all_questions(request: Request, attempt: LiveAttemptDep, fast: FastPathDep) -> Response:
    progress = await _open_progress(fast, attempt)
    if progress is None:
        return _result(request, attempt)
    return render(request, "quiz/all.html", _live_context(attempt, progress))


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
async def review(request: Request, attempt: LiveAttemptDep, fast: FastPathDep) -> Response:
    progress = await _open_progress(fast, attempt)
    if progress is None:
        return _result(request, attempt)
    return render(request, "quiz/review.html", _live_context(attempt, progress))


@router.post("/a/{token}/submit", name="quiz:submit", dependencies=[SubmitAllowed])
async def submit(request: Request, attempt: LiveAttemptDep, fast: FastPathDep) -> Response:
    # Idempotent: a second tap, a retry or the timer's own submit all land on the same result.
    now = utc_now()
    await fast.write(lambda connection: live.submit_open(connection, attempt, now=now))
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
async def api_save(attempt: LiveAttemptDep, fast: FastPathDep, position: int, body: SaveAnswerBody) -> Response:
    now = utc_now()
    if not 0 <= position < attempt.total:
        raise QuestionNotFound()
    item = attempt.snapshot[position]
    value = clean_response(item, body.response)
    answered = await fast.write(lambda connection: live.save_if_open(
        connection, attempt_id=attempt.id, position=position, question_uid=item["uid"], response=value, now=now))
    if answered is None:
        # Refused: already submitted, or its time ran out (then it is submitted now with what was saved).
        await _expire(fast, attempt, now)
        return _finished()
    return JSONResponse(SavedAnswer(saved=True, saved_at=_clock(now), answered=answered).model_dump())


def _finished() -> Response:
    return JSONResponse({"error": AttemptFinished.message, "submitted": True}, status_code=409)


def _clock(value: datetime) -> str:
    return format_local(value, "%H:%M:%S")
