"""Roster import through the admin pages: preview with every bad row, all-or-nothing commit,
re-import without duplicates, deactivation of people who left."""

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from tests.support import factories
from tests.support.web import csrf, login

HEADER = ["单位", "姓名", "手机号", "工号", "职务"]
GOOD = [
    ["示范县/城关镇/党政办", "黄文斌", "13800003001", "", "主任"],
    ["示范县/城关镇/党政办", "周小红", "138 0000 3002", "", "干事"],
    ["示范县/青山乡", "马金山", "", "QS-01", "乡长"],
]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sign_in(client: TestClient, session: Session) -> str:
    factories.admin(session, "organiser")
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    return csrf(client, "/admin/roster")


def upload(client: TestClient, token: str, data: bytes, name: str) -> Any:
    response = client.post("/admin/roster/import", data={"csrf_token": token},
                           files={"file": (name, data, "application/octet-stream")}, follow_redirects=False)
    if response.status_code != 303:
        return response
    return client.get(response.headers["location"])


def commit(client: TestClient, token: str, preview: Any, *, deactivate: bool = False) -> Any:
    job = preview.context["job"]
    data = {"csrf_token": token, **({"deactivate_missing": "1"} if deactivate else {})}
    return client.post(f"/admin/roster/import/{job.id}/commit", data=data, follow_redirects=False)


def people(session: Session) -> list[tuple[str, str, bool]]:
    rows = session.execute(select(Person.name, Unit.full_name, Person.active).join(Unit).order_by(Person.id))
    return [(name, unit, active) for name, unit, active in rows]


def test_a_clean_file_previews_then_imports_units_and_people(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    preview = upload(client, token, xlsx_bytes(GOOD), "名单.xlsx")
    assert preview.template.name == "admin/roster_preview.html"
    shown = preview.context["preview"]
    assert shown.ok and shown.to_create == 3 and shown.problems == []
    assert "示范县/城关镇/党政办" in shown.new_units
    assert session.scalar(select(func.count()).select_from(Person)) == 0  # nothing before the commit
    assert commit(client, token, preview).status_code == 303
    assert people(session) == [("黄文斌", "示范县/城关镇/党政办", True), ("周小红", "示范县/城关镇/党政办", True),
                               ("马金山", "示范县/青山乡", True)]
    town = session.scalars(select(Unit).where(Unit.full_name == "示范县/城关镇")).one()
    assert town.parent_id is not None  # parents made from the path
    second = commit(client, token, preview)
    assert second.status_code == 409  # the same preview cannot be committed twice


def test_every_kind_of_bad_row_is_listed_with_its_row_number(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    rows = [
        *GOOD,
        ["示范县/城关镇/党政办", "黄文斌", "13800003001", "", "主任"],  # 5: duplicate of row 2
        ["示范县/青山乡", "", "13800005002", "", ""],  # 6: empty name
        ["示范县/青山乡", "朱桂兰", "1380000", "", ""],  # 7: bad phone
        ["示范县/青山乡", "胡永福", "", "", ""],  # 8: neither phone nor 工号
        ["示范县/青山乡", "郭玉珍", "13800003001", "", ""],  # 9: phone of someone else
        ["", "何雪梅", "13800006001", "", ""],  # 10: empty unit
    ]
    preview = upload(client, token, csv_bytes(rows), "名单.csv")
    problems = preview.context["preview"].problems
    assert [p.row for p in problems] == [5, 6, 7, 8, 9, 10]
    reasons = [p.reason for p in problems]
    assert "与第 2 行重复" in reasons[0] and reasons[1] == "姓名为空。" and "不是有效的 11 位手机号" in reasons[2]
    assert "至少填写一项" in reasons[3] and "与第 2 行（黄文斌）相同" in reasons[4] and reasons[5] == "单位为空。"
    assert "第 7 行" in preview.text and "不是有效的 11 位手机号" in preview.text
    assert "确认导入" not in preview.text
    refused = commit(client, token, preview)
    assert refused.status_code == 422
    assert session.scalar(select(func.count()).select_from(Person)) == 0  # all or nothing


def test_a_parent_column_must_name_a_known_unit(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    factories.unit(session, "示范县/城关镇")
    header = ["上级单位", "单位", "姓名", "手机号"]
    data = xlsx_bytes([["示范县/城关镇", "党政办", "黄文斌", "13800003001"],
                       ["示范县/白云乡", "党政办", "周小红", "13800003002"]], header)
    preview = upload(client, token, data, "名单.xlsx")
    problems = preview.context["preview"].problems
    assert [(p.row, p.reason.split("：")[0]) for p in problems] == [(3, "上级单位“示范县/白云乡”不存在")]
    assert preview.context["preview"].rows[0].unit_path == "示范县/城关镇/党政办"


def test_gbk_csv_from_excel_on_windows_is_read(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    preview = upload(client, token, csv_bytes(GOOD, encoding="gbk"), "名单.csv")
    assert [r.name for r in preview.context["preview"].rows] == ["黄文斌", "周小红", "马金山"]


def test_a_file_without_the_needed_columns_is_refused(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    response = upload(client, token, xlsx_bytes([["张三"]], ["名字呀"]), "x.xlsx")
    assert response.status_code == 422 and "单位" in response.context["error"]
    assert upload(client, token, b"abc", "x.xls").status_code == 422
    assert upload(client, token, b"not a zip", "x.xlsx").status_code == 422


def test_reimport_updates_without_duplicating_and_can_deactivate_who_left(client: TestClient,
                                                                           session: Session) -> None:
    token = sign_in(client, session)
    commit(client, token, upload(client, token, csv_bytes(GOOD), "名单.csv"))
    changed = [[*GOOD[0][:4], "党委委员"], GOOD[2]]  # 周小红 left; 黄文斌 has a new title
    preview = upload(client, token, csv_bytes(changed), "名单.csv")
    shown = preview.context["preview"]
    assert (shown.to_create, shown.to_update, shown.unchanged) == (0, 1, 1)
    assert [m["name"] for m in shown.missing] == ["周小红"]
    commit(client, token, preview)  # without the checkbox: nobody is deactivated
    assert all(active for _, _, active in people(session))
    commit(client, token, upload(client, token, csv_bytes(changed), "名单.csv"), deactivate=True)
    assert people(session) == [("黄文斌", "示范县/城关镇/党政办", True), ("周小红", "示范县/城关镇/党政办", False),
                               ("马金山", "示范县/青山乡", True)]
    title = session.scalar(select(Person.title).where(Person.name == "黄文斌"))
    assert title == "党委委员"
    commit(client, token, upload(client, token, csv_bytes(GOOD), "名单.csv"))  # 周小红 is back
    assert len(people(session)) == 3 and all(active for _, _, active in people(session))


def test_one_person_can_be_deactivated_and_reactivated_by_hand(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    office = factories.unit(session, "示范县/县财政局")
    person = factories.person(session, office, "陈晓明")
    response = client.post(f"/admin/roster/people/{person.id}/active", data={"csrf_token": token, "active": "0"},
                           follow_redirects=False)
    assert response.status_code == 303
    session.refresh(person)
    assert not person.active and person.deactivated_at is not None
    page = client.get(f"/admin/roster/units/{office.id}")
    assert "已停用" in page.text
    client.post(f"/admin/roster/people/{person.id}/active", data={"csrf_token": token, "active": "1"})
    session.refresh(person)
    assert person.active and person.deactivated_at is None


def test_the_templates_download_with_the_expected_columns(client: TestClient, session: Session) -> None:
    sign_in(client, session)
    book = load_workbook(io.BytesIO(client.get("/admin/roster-template.xlsx").content))
    assert [c.value for c in book.worksheets[0][1]] == HEADER and "填写说明" in book.sheetnames
    text = client.get("/admin/roster-template.csv").content
    assert text.startswith(b"\xef\xbb\xbf") and "单位,姓名,手机号" in text.decode("utf-8-sig")
