"""Driving the employee flow through HTTP, as a phone without JavaScript would (plus the JSON autosave)."""

import re
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session

from app.quiz.models import Attempt, Campaign
from tests.support.web import csrf_from

TOKEN_RE = re.compile(r"/a/([A-Za-z0-9_-]+)/")


def identify(client: TestClient, campaign: Campaign, *, unit_id: int, name: str, code: str = "",
             query: str = "") -> Response:
    """Fill in the identification form."""
    page = client.get(f"/c/{campaign.slug}/identify{query}")
    return client.post(f"/c/{campaign.slug}/identify{query}",
                       data={"csrf_token": csrf_from(page), "unit_id": str(unit_id), "name": name, "code": code},
                       follow_redirects=False)


def start(client: TestClient, campaign: Campaign, visit: int | None = None) -> Response:
    """Press “start” on the study page."""
    page = client.get(f"/c/{campaign.slug}/study")
    data = {"csrf_token": csrf_from(page)}
    if visit is not None:
        data["visit"] = str(visit)
    return client.post(f"/c/{campaign.slug}/start", data=data, follow_redirects=False)


def token_of(response: Response) -> str:
    """The attempt token a redirect points at."""
    match = TOKEN_RE.search(response.headers["location"] + "/")
    assert match, response.headers.get("location")
    return match.group(1)


def attempt_of(session: Session, token: str) -> Attempt:
    from sqlalchemy import select

    attempt = session.scalar(select(Attempt).where(Attempt.token == token))
    assert attempt is not None
    session.refresh(attempt)
    return attempt


def form_value(item: dict[str, Any], value: object) -> list[str]:
    """A key or response in shown indexes as the form fields a person would tick or type."""
    if item["kind"] == "multiple_choice":
        return [str(v) for v in value]  # type: ignore[attr-defined]
    if item["kind"] == "true_false":
        return ["true" if value else "false"]
    if item["kind"] == "fill_blank":
        return [value[0] if isinstance(value, list) else str(value)]
    return [str(value)]


def answer_page(client: TestClient, token: str, number: int, values: list[str], position: int,
                go: str = "next") -> Response:
    """Answer question `number` on its page and press a button."""
    page = client.get(f"/a/{token}/q/{number}")
    assert page.status_code == 200, page.text
    data: dict[str, str | list[str]] = {"csrf_token": csrf_from(page), f"present{position}": "1", "go": go,
                                        f"r{position}": values}
    return client.post(f"/a/{token}/q/{number}", data=data, follow_redirects=False)


def autosave(client: TestClient, token: str, position: int, response: object) -> Response:
    """The JSON autosave the page's script makes."""
    page = client.get(f"/a/{token}/q/{position + 1}")
    return client.post(f"/api/attempts/{token}/answers/{position}", json={"response": response},
                       headers={"X-CSRF-Token": csrf_from(page)})


def submit(client: TestClient, token: str) -> Response:
    """Press “确认交卷” on the review page."""
    page = client.get(f"/a/{token}/review")
    token_field = csrf_from(page) if page.status_code == 200 else csrf_from(client.get(page.headers["location"]))
    return client.post(f"/a/{token}/submit", data={"csrf_token": token_field}, follow_redirects=False)
