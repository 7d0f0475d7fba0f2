"""Hostile files through the admin's upload form: each is refused with a Chinese message on the page,
nothing is stored, and the file name is never used as a path nor shown unescaped."""

import io
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.banks.models import Report
from tests.support import factories
from tests.support.web import csrf, login


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document>" + b"0" * 200_000_000 + b"</w:document>")
    return buffer.getvalue()


CASES = {
    "random-binary": ("报告.txt", bytes(range(256)) * 64, "二进制"),
    "zip-bomb-docx": ("报告.docx", _bomb(), "解压后过大"),
    "empty": ("报告.pdf", b"", "文件是空的"),
    "traversal-binary": ("../../../etc/cron.d/x.docx", b"\x00\x01garbage" * 100, "Word"),
    "script-name": ("<script>alert(1)</script>.exe", b"hello", "不支持的文件类型"),
}


@pytest.fixture
def organiser_client(client: TestClient, session: Session) -> TestClient:
    factories.admin(session, "organiser")
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    return client


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_upload_is_refused_on_the_page_and_stores_nothing(organiser_client: TestClient, session: Session,
                                                                     case: str) -> None:
    name, data, message = CASES[case]
    reports = session.scalar(select(func.count()).select_from(Report))
    token = csrf(organiser_client, "/admin/banks")
    response = organiser_client.post("/admin/banks/upload", data={"csrf_token": token, "title": "<b>标题</b>"},
                                     files={"file": (name, data, "application/octet-stream")},
                                     follow_redirects=False)
    assert response.status_code == 422, response.text[:300]
    assert message in response.text
    assert "<script>alert(1)</script>" not in response.text and "<b>标题</b>" not in response.text
    assert session.scalar(select(func.count()).select_from(Report)) == reports


def test_a_100_mb_upload_is_refused_by_size(organiser_client: TestClient, session: Session) -> None:
    reports = session.scalar(select(func.count()).select_from(Report))
    token = csrf(organiser_client, "/admin/banks")
    huge = b"\xe6\x8a\xa5" * (100_000_000 // 3)
    response = organiser_client.post("/admin/banks/upload", data={"csrf_token": token},
                                     files={"file": ("大文件.txt", huge, "text/plain")}, follow_redirects=False)
    assert response.status_code in (413, 422), response.text[:300]
    assert "文件过大" in response.text or "太大" in response.text
    assert session.scalar(select(func.count()).select_from(Report)) == reports
