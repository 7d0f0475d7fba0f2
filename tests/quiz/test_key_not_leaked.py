"""The answer key never reaches the browser before submission: every response of a full flow is scanned."""

import json

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from tests.quiz.conftest import MakeCampaign
from tests.quiz.helpers import answer_page, attempt_of, autosave, form_value, identify, start, token_of
from tests.support.web import csrf_from


def test_no_response_before_submission_carries_a_key_evidence_or_option_map(
        client: TestClient, session: Session, make_campaign: MakeCampaign, employee: Person, county: Unit) -> None:
    campaign = make_campaign(time_limit_seconds=1800, study_seconds_required=0, max_attempts=2)
    bodies: list[tuple[str, str]] = []

    def record(response: Response) -> None:
        response.read()
        bodies.append((f"{response.request.method} {response.request.url.path}", response.text))

    client.event_hooks["response"].append(record)
    client.get(f"/c/{campaign.slug}")
    client.get(f"/c/{campaign.slug}/identify")
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    client.get(f"/c/{campaign.slug}/study")
    token = token_of(start(client, campaign))
    attempt = attempt_of(session, token)
    for item in attempt.snapshot:
        position = item["position"]
        # Typing the fill-in key would echo it back legitimately; ticking the right options cannot.
        values = ["我填的词"] if item["kind"] == "fill_blank" else form_value(item, item["answer"])
        client.get(f"/a/{token}")
        autosave(client, token, position, values)
        answer_page(client, token, position + 1, values, position, go="next")
    client.get(f"/a/{token}/all")
    page = client.get(f"/a/{token}/review")
    client.get(f"/c/{campaign.slug}")
    client.get(f"/c/{campaign.slug}/study")
    client.event_hooks["response"].remove(record)

    assert len(bodies) > 40
    # Words a template or JSON would use to carry or mark a key, then each item's own secrets. A single
    # index or a bool cannot be searched for as text; the markers and the field names cover those.
    forbidden = ["option_map", "evidence", "explanation", '"answer"', "correct", "is-key", "正确答案", "【原文】"]
    for item in attempt.snapshot:
        forbidden += [item["evidence"], item["explanation"], json.dumps(item["option_map"])]
        if item["kind"] == "multiple_choice":
            forbidden.append(json.dumps(item["answer"]))
        if item["kind"] == "fill_blank":
            forbidden += item["answer"]
    for where, body in bodies:
        for secret in forbidden:
            assert secret not in body, f"{secret!r} leaked in {where}"

    # After submission the result may, and does, show them: the scan above could have caught them.
    client.post(f"/a/{token}/submit", data={"csrf_token": csrf_from(page)})
    result = client.get(f"/a/{token}/result").text
    assert all(item["evidence"] in result for item in attempt.snapshot)
