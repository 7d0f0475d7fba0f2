"""A unit liaison imports the roster of their own units through the organisers' preview → confirm:
rows naming any other unit are refused one by one, and nothing of such a file is ever written."""

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import AuditLog, Person, Role, Unit
from tests.accounts.test_roster_import import commit, csv_bytes, people, upload, xlsx_bytes
from tests.support import factories
from tests.support.web import csrf, login

TOWN = "示范县/城关镇"
OWN_ROWS = [
    ["示范县/城关镇/党政办", "黄文斌", "13800003001", "", "主任"],
    ["示范县/城关镇", "周小红", "13800003002", "", "镇长"],
    ["示范县/城关镇/新设服务站", "吴德福", "", "CG-03", "站长"],
]


@pytest.fixture
def town(session: Session) -> Unit:
    town = factories.unit(session, TOWN)
    factories.unit(session, "示范县/青山乡")
    factories.person(session, factories.unit(session, "示范县/青山乡"), "马金山", phone="13800005001")
    factories.admin(session, "organiser")
    factories.admin(session, "chengguan", role=Role.LIAISON, in_unit=town)
    factories.admin(session, "qingshan", role=Role.LIAISON, in_unit=factories.unit(session, "示范县/青山乡"))
    return town


def sign_in(client: TestClient, username: str = "chengguan") -> str:
    client.cookies.clear()
    assert login(client, username, factories.PASSWORD).status_code == 303
    return csrf(client, "/admin/roster")


def counts(session: Session) -> tuple[int, int]:
    return (int(session.scalar(select(func.count()).select_from(Person)) or 0),
            int(session.scalar(select(func.count()).select_from(Unit)) or 0))


def test_a_liaison_previews_and_imports_their_own_units(client: TestClient, session: Session, town: Unit) -> None:
    token = sign_in(client)
    page = client.get("/admin/roster")
    assert 'action="http://testserver/admin/roster/import"' in page.text
    assert "只能导入“示范县/城关镇”及其下属单位的人员" in page.text
    preview = upload(client, token, xlsx_bytes(OWN_ROWS), "城关镇名单.xlsx")
    assert preview.status_code == 200
    assert preview.context["preview"].problems == []
    assert preview.context["preview"].new_units == ["示范县/城关镇/党政办", "示范县/城关镇/新设服务站"]
    response = commit(client, token, preview)
    assert response.status_code == 303
    assert [p for p in people(session) if p[0] != "马金山"] == [
        ("黄文斌", "示范县/城关镇/党政办", True), ("周小红", "示范县/城关镇", True),
        ("吴德福", "示范县/城关镇/新设服务站", True)]
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "roster_imported")).one()
    assert entry.actor_id == preview.context["scope"].user.id and entry.detail["created"] == 3


def test_a_liaison_file_naming_another_unit_is_refused_row_by_row(client: TestClient, session: Session,
                                                                   town: Unit) -> None:
    token = sign_in(client)
    before = counts(session)
    rows = [*OWN_ROWS,
            ["示范县/青山乡", "马金山", "13800005001", "", "乡长"],        # another town, which exists
            ["示范县/县财政局", "陈晓明", "13800002001", "", "局长"],      # a unit nobody created yet
            ["城关镇/党政办", "孙志刚", "13800004002", "", "干事"],       # the path not written in full
            ["示范县/城关镇其他", "朱桂兰", "13800005002", "", "干事"]]    # a prefix of the name is not the unit
    preview = upload(client, token, csv_bytes(rows), "名单.csv")
    assert preview.status_code == 200
    problems = preview.context["preview"].problems
    assert [p.row for p in problems] == [5, 6, 7, 8]
    assert problems[0].reason.startswith("单位“示范县/青山乡”不在您负责的“示范县/城关镇”范围内，不能导入")
    assert "单位“示范县/县财政局”不在您负责的" in problems[1].reason
    assert "如“示范县/城关镇/党政办”" in problems[2].reason
    assert "不在您负责的" in problems[3].reason
    assert "本次不会导入任何数据" in preview.text and "确认导入" not in preview.text
    # Confirming anyway (a hand-made POST) writes nothing.
    response = commit(client, token, preview, deactivate=True)
    assert response.status_code == 422
    assert "名单中还有错误行" in response.text
    assert counts(session) == before
    assert ("马金山", "示范县/青山乡", True) in people(session)


def test_the_parent_column_is_held_to_the_same_scope(client: TestClient, session: Session, town: Unit) -> None:
    token = sign_in(client)
    header = ["上级单位", "单位", "姓名", "手机号"]
    data = xlsx_bytes([["示范县/城关镇", "党政办", "黄文斌", "13800003001"],
                       ["示范县/青山乡", "党政办", "马金山", "13800005001"],
                       ["示范县/不存在的乡", "党政办", "朱桂兰", "13800005002"]], header=header)
    preview = upload(client, token, data, "名单.xlsx")
    problems = preview.context["preview"].problems
    assert [p.row for p in problems] == [3, 4]
    # An outside unit that exists and one that does not get the same answer: nothing leaks about other units.
    assert all("不在您负责的“示范县/城关镇”范围内" in p.reason for p in problems)


def test_a_liaison_cannot_open_or_confirm_someone_elses_upload(client: TestClient, session: Session,
                                                                town: Unit) -> None:
    token = sign_in(client, "qingshan")
    theirs = upload(client, token, csv_bytes([["示范县/青山乡", "朱桂兰", "13800005002", "", "干事"]]), "青山乡.csv")
    job_id = theirs.context["job"].id
    before = counts(session)
    token = sign_in(client, "chengguan")
    for response in (client.get(f"/admin/roster/import/{job_id}"),
                     client.post(f"/admin/roster/import/{job_id}/commit", data={"csrf_token": token})):
        assert response.status_code == 404
        assert "没有找到这次上传的名单" in response.text and "朱桂兰" not in response.text
    assert counts(session) == before
    # The organiser may look at any upload.
    sign_in(client, "organiser")
    assert "朱桂兰" in client.get(f"/admin/roster/import/{job_id}").text


def test_a_liaison_moved_to_another_unit_before_confirming_imports_nothing(client: TestClient, session: Session,
                                                                           town: Unit) -> None:
    token = sign_in(client)
    preview = upload(client, token, xlsx_bytes(OWN_ROWS), "城关镇名单.xlsx")
    liaison = preview.context["scope"].user
    liaison.unit_id = session.scalars(select(Unit.id).where(Unit.full_name == "示范县/青山乡")).one()
    session.flush()
    before = counts(session)
    response = commit(client, token, preview)
    assert response.status_code == 422
    assert "不在您负责的“示范县/青山乡”范围内，本次没有导入任何数据" in response.text
    assert counts(session) == before


def test_deactivating_who_is_missing_stays_inside_the_liaisons_units(client: TestClient, session: Session,
                                                                      town: Unit) -> None:
    office = factories.unit(session, "示范县/城关镇/党政办")
    factories.person(session, office, "调走的人", phone="13800003009")
    token = sign_in(client)
    preview = upload(client, token, xlsx_bytes(OWN_ROWS[:1]), "党政办.xlsx")
    assert [m["name"] for m in preview.context["preview"].missing] == ["调走的人"]
    assert commit(client, token, preview, deactivate=True).status_code == 303
    assert ("调走的人", "示范县/城关镇/党政办", False) in people(session)
    assert ("马金山", "示范县/青山乡", True) in people(session)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_liaisons_template_shows_their_own_unit(client: TestClient, session: Session, town: Unit,
                                                  kind: str) -> None:
    sign_in(client)
    response = client.get(f"/admin/roster-template.{kind}")
    assert response.status_code == 200
    if kind == "csv":
        text = response.content.decode("utf-8-sig")
    else:
        sheet = load_workbook(io.BytesIO(response.content))["人员名单"]
        text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert "示范县/城关镇/党政办" in text and "某县" not in text
