"""Helpers for driving the app through HTTP like a browser would."""

import re

from fastapi.testclient import TestClient
from httpx2 import Response

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(response: Response) -> str:
    """The CSRF token of a rendered form."""
    match = CSRF_RE.search(response.text)
    assert match, "page has no CSRF field"
    return match.group(1)


def csrf(client: TestClient, path: str = "/admin/login") -> str:
    """A CSRF token for the client's session, read from a page with a form."""
    return csrf_from(client.get(path))


def login(client: TestClient, username: str, password: str) -> Response:
    """Sign in through the login form."""
    token = csrf(client)
    return client.post(
        "/admin/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
