"""Every file input of the console is a Chinese picker: a labelled, focusable input inside a label that
carries the button text and the chosen file's name (filled in by admin.js, no inline script)."""

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.admin.conftest import sign_in_liaison
from tests.support import factories

PICKER = re.compile(r'<label class="file-pick" for="(?P<id>[\w-]+)">\s*<input class="file-input" type="file" '
                    r'id="(?P=id)" name="file" accept="[^"]+" required\s+aria-labelledby="(?P<label>[\w-]+)" '
                    r'aria-describedby="(?P<help>[\w-]+)" data-file-input>\s*'
                    r'<span class="file-button" aria-hidden="true">选择文件</span>\s*'
                    r'<span class="file-name" aria-hidden="true" data-file-name>未选择文件</span>')


def pickers(html: str) -> list[re.Match[str]]:
    found = list(PICKER.finditer(html))
    assert len(found) == html.count('type="file"'), "a file input outside the Chinese picker"
    for match in found:
        assert f'id="{match["label"]}"' in html and f'id="{match["help"]}"' in html
    return found


def test_organiser_pages_use_the_chinese_picker(admin_client: TestClient) -> None:
    banks = admin_client.get("/admin/banks").text
    assert [m["id"] for m in pickers(banks)] == ["report-file", "bank-file"]
    assert [m["id"] for m in pickers(admin_client.get("/admin/roster").text)] == ["roster-file"]
    assert "<script>" not in banks and "onchange" not in banks


def test_a_liaison_gets_the_same_picker_for_their_roster(client: TestClient, session: Session) -> None:
    sign_in_liaison(client, session, factories.unit(session, "某县/甲镇"))
    assert [m["id"] for m in pickers(client.get("/admin/roster").text)] == ["roster-file"]
