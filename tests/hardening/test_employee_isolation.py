"""One employee's attempt and result are unreachable by another: every attempt route, the API and guesses."""

import secrets

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from app.quiz.models import Answer, AttemptStatus
from tests.quiz.conftest import MakeCampaign
from tests.quiz.helpers import attempt_of, identify, start, token_of
from tests.support import factories
from tests.support.web import csrf_from


def test_another_employee_reaches_nothing_of_an_attempt_and_guesses_find_nothing(
        app: FastAPI, client: TestClient, session: Session, make_campaign: MakeCampaign, county: Unit,
        employee: Person) -> None:
    campaign = make_campaign(time_limit_seconds=1800, max_attempts=2)
    factories.person(session, county, name="王小二", phone="13800002002")
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    token = token_of(start(client, campaign))
    before = {(a.position, repr(a.response)) for a in session.scalars(select(Answer))}

    with TestClient(app, base_url="http://testserver") as other:
        identify(other, campaign, unit_id=county.id, name="王小二", code="2002")
        own = token_of(start(other, campaign))
        csrf = csrf_from(other.get(f"/a/{own}/all"))
        guessed = [secrets.token_urlsafe(16) for _ in range(20)] + [token[:-1] + ("A" if token[-1] != "A" else "B"),
                                                                    token.upper(), token + "x", "1", "../" + token]
        for target, refused in [(token, 403)] + [(g, 404) for g in guessed]:
            calls = [other.get(f"/a/{target}", follow_redirects=False),
                     other.get(f"/a/{target}/q/1", follow_redirects=False),
                     other.get(f"/a/{target}/all", follow_redirects=False),
                     other.get(f"/a/{target}/review", follow_redirects=False),
                     other.get(f"/a/{target}/result", follow_redirects=False),
                     other.post(f"/a/{target}/q/1", data={"csrf_token": csrf, "present0": "1", "r0": "0"},
                                follow_redirects=False),
                     other.post(f"/a/{target}/all", data={"csrf_token": csrf, "present0": "1", "r0": "0"},
                                follow_redirects=False),
                     other.post(f"/a/{target}/submit", data={"csrf_token": csrf}, follow_redirects=False),
                     other.post(f"/api/attempts/{target}/answers/0", json={"response": 0},
                                headers={"X-CSRF-Token": csrf})]
            for response in calls:
                assert response.status_code in (refused, 404), (target, response.request.url, response.status_code)
                assert "张建国" not in response.text
    assert attempt_of(session, token).status == AttemptStatus.IN_PROGRESS
    assert {(a.position, repr(a.response)) for a in session.scalars(select(Answer))} == before
