"""The application shell: health check, Chinese error pages, security headers."""

from fastapi.testclient import TestClient


def test_healthz_checks_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_unknown_page_is_a_chinese_404(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.template.name == "error.html"  # type: ignore[attr-defined]
    assert "没有找到这个页面" in response.text


def test_json_callers_get_json_errors(client: TestClient) -> None:
    response = client.get("/api/nothing", headers={"accept": "application/json"})
    assert response.status_code == 404
    assert response.json() == {"error": "没有找到这个页面，请检查链接是否完整。"}


def test_pages_carry_security_headers(client: TestClient) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    response = client.get("/admin/login")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_home_page_renders(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "测一测" in response.text
