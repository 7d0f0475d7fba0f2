"""Schemathesis over every JSON endpoint (/api/...) of the app's OpenAPI schema: no 500s, JSON errors,
and a refused request leaves the database as it was. Run with a real identified employee, so that
generated bodies reach the attempt's own questions, and with generated (guessed) tokens."""

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from app.quiz.models import Answer, Attempt, StudySession
from tests.quiz.conftest import MakeCampaign
from tests.quiz.helpers import identify, start, token_of
from tests.support.web import csrf_from

EXAMPLES = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))


def _api_operations(app: FastAPI) -> list[Any]:
    schema = schemathesis.openapi.from_dict(app.openapi())
    operations = [result.ok() for result in schema.get_all_operations()]
    return [op for op in operations if op.path.startswith("/api/")]


def _state(session: Session) -> set[tuple[Any, ...]]:
    answers = {("answer", a.attempt_id, a.position, repr(a.response)) for a in session.scalars(select(Answer))}
    visits = {("visit", v.id, v.seconds) for v in session.scalars(select(StudySession))}
    attempts = {("attempt", a.id, a.status) for a in session.scalars(select(Attempt))}
    return answers | visits | attempts


def test_every_json_endpoint_is_covered(app: FastAPI) -> None:
    paths = {op.path for op in _api_operations(app)}
    assert {"/api/attempts/{token}/answers/{position}", "/api/c/{slug}/study/{visit_id}"} <= paths


@pytest.mark.parametrize("own_ids", [True, False], ids=["own-attempt", "guessed-ids"])
def test_generated_requests_to_json_endpoints_never_fail(
        app: FastAPI, client: TestClient, session: Session, make_campaign: MakeCampaign, county: Unit,
        employee: Person, own_ids: bool) -> None:
    campaign = make_campaign(time_limit_seconds=1800)
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    study = client.get(f"/c/{campaign.slug}/study")
    visit = session.scalars(select(StudySession).order_by(StudySession.id.desc())).first()
    assert visit is not None
    token = token_of(start(client, campaign))
    csrf = csrf_from(study)
    own = {"token": token, "slug": campaign.slug, "visit_id": visit.id}
    operations = _api_operations(app)
    seen: dict[str, int] = {}

    @EXAMPLES
    @given(st.sampled_from(operations).flatmap(lambda op: op.as_strategy()))
    def run(case: Any) -> None:
        if own_ids:
            case.path_parameters = {**case.path_parameters,
                                    **{k: v for k, v in own.items() if k in case.path_parameters}}
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() not in ("connection",)}
        headers["X-CSRF-Token"] = csrf
        before = _state(session)
        response = client.request(kwargs["method"], kwargs["url"], headers=headers, params=kwargs.get("params"),
                                  json=kwargs.get("json"), content=kwargs.get("data"))
        seen[f"{response.status_code}"] = seen.get(f"{response.status_code}", 0) + 1
        assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
        assert response.headers["content-type"].startswith("application/json"), response.text[:200]
        if response.status_code >= 400:
            assert "error" in response.json()
            assert _state(session) == before, response.text[:200]

    run()
    assert sum(seen.values()) >= 20
    if own_ids:
        assert "200" in seen  # the generated bodies did reach the real attempt
