"""The key scan of tests/quiz extended to the paths it does not walk: refused forms re-rendered with an
error (one-per-page and all-on-one-page), refused and accepted API calls, the study heartbeat, and the
large-font pages — none carries a key, evidence, explanation or option map before submission."""

import json

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from app.quiz.models import StudySession
from tests.quiz.conftest import MakeCampaign
from tests.quiz.helpers import attempt_of, identify, start, token_of
from tests.support.web import csrf_from


def test_error_pages_api_refusals_and_heartbeats_carry_no_key(
        client: TestClient, session: Session, make_campaign: MakeCampaign, employee: Person, county: Unit) -> None:
    campaign = make_campaign(time_limit_seconds=1800, study_seconds_required=0)
    bodies: list[tuple[str, str]] = []
    statuses: list[int] = []

    def record(response: Response) -> None:
        response.read()
        bodies.append((f"{response.request.method} {response.request.url.path}", response.text))
        statuses.append(response.status_code)

    client.event_hooks["response"].append(record)
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    study = client.get(f"/c/{campaign.slug}/study")
    visit = session.scalars(select(StudySession).order_by(StudySession.id.desc())).first()
    assert visit is not None
    csrf = csrf_from(study)
    client.post(f"/api/c/{campaign.slug}/study/{visit.id}", headers={"X-CSRF-Token": csrf})
    token = token_of(start(client, campaign))
    attempt = attempt_of(session, token)
    client.cookies.set("ceyice_font", "large")
    for item in attempt.snapshot:
        pos = item["position"]
        bad = ["99"] if item["kind"] != "fill_blank" else ["字" * 500]
        client.post(f"/a/{token}/q/{pos + 1}", data={"csrf_token": csrf, f"present{pos}": "1", f"r{pos}": bad})
        client.post(f"/a/{token}/all", data={"csrf_token": csrf, f"present{pos}": "1", f"r{pos}": bad})
        for body in ({"response": 99}, {"response": "x" * 300}, {"response": [0, 1, 2, 3]}, {"response": True}, {}):
            client.post(f"/api/attempts/{token}/answers/{pos}", json=body, headers={"X-CSRF-Token": csrf})
        client.get(f"/a/{token}/q/{pos + 1}")
    client.get(f"/a/{token}/result")  # before submission: sent back to the questions
    client.event_hooks["response"].remove(record)

    assert sum(1 for where, _ in bodies if where.startswith("POST /a/")) >= 16
    assert statuses.count(422) >= 16  # the refused forms and API calls were really rendered with their errors
    forbidden = ["option_map", "evidence", "explanation", '"answer"', "is-key", "正确答案", "【原文】"]
    for item in attempt.snapshot:
        forbidden += [item["evidence"], item["explanation"], json.dumps(item["option_map"])]
        if item["kind"] == "fill_blank":
            forbidden += item["answer"]
    for where, body in bodies:
        for secret in forbidden:
            assert secret not in body, f"{secret!r} leaked in {where}"
