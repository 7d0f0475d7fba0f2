"""Banks out and back in: ceyice.bank/1 JSON and the Excel sheet, through the admin pages."""

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import questions as qlib
from app.banks.excel import HEADERS
from app.banks.models import Bank
from tests.support import factories
from tests.support.web import csrf, login


def sign_in(client: TestClient, session: Session) -> str:
    factories.admin(session, "organiser")
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    return csrf(client, "/admin/banks")


def import_file(client: TestClient, token: str, name: str, data: bytes, title: str = "") -> Any:
    return client.post("/admin/banks/import", data={"csrf_token": token, "title": title},
                       files={"file": (name, data, "application/octet-stream")}, follow_redirects=False)


def bank_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Bank)) or 0)


def test_json_export_imports_back_as_the_same_questions(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    original = factories.bank(session, per_kind=3)
    exported = client.get(f"/admin/banks/{original.id}/export.json")
    assert exported.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    bank_file = qlib.load_bank(exported.text)
    assert len(bank_file.questions) == 12
    response = import_file(client, token, "bank.json", exported.content, title="再导入")
    assert response.status_code == 303
    again = client.get(response.headers["location"].replace("http://testserver", "") + "/export.json")
    round_trip = qlib.load_bank(again.text)
    assert round_trip.title == "再导入"
    assert [q.to_dict() for q in round_trip.questions] == [q.to_dict() for q in bank_file.questions]


def test_xlsx_export_imports_back_as_the_same_questions(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    original = factories.bank(session, per_kind=2)
    exported = client.get(f"/admin/banks/{original.id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(exported.content))["题目"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["I2"].value == "C"  # the single-choice key as a letter
    response = import_file(client, token, "题库.xlsx", exported.content)
    assert response.status_code == 303, response.text
    source = qlib.load_bank(client.get(f"/admin/banks/{original.id}/export.json").text)
    copy = qlib.load_bank(client.get(response.headers["location"].replace("http://testserver", "")
                                     + "/export.json").text)
    assert [q.to_dict() for q in copy.questions] == [q.to_dict() for q in source.questions]


def test_the_template_has_the_header_and_instructions_and_imports(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    template = client.get("/admin/bank-template.xlsx")
    book = load_workbook(io.BytesIO(template.content))
    assert book.sheetnames == ["题目", "填写说明"]
    assert [c.value for c in book["题目"][1]][:11] == ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E",
                                                     "选项F", "答案", "解析", "章节"]
    assert import_file(client, token, "模板.xlsx", template.content).status_code == 303


def sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "题目"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_bad_excel_row_is_explained_and_nothing_is_imported(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    good = ["单选题", "城镇新增就业（ ）。", "1044万人", "1244万人", "", "", "", "", "B"]
    data = sheet([
        good,
        ["问答题", "什么是新质生产力？"],
        ["单选题", "城镇新增就业（ ）。", "1044万人", "1244万人", "", "", "", "", "D"],
        ["多选题", "下列属于“六稳”的是（ ）。", "稳就业", "", "稳外贸", "", "", "", "AC"],
        ["判断题", "失业率为5.1%。", "", "", "", "", "", "", "也许"],
        ["填空题", "", "", "", "", "", "", "", "1244"],
        ["单选题", "城镇新增就业（ ）。", "1044万人", "1044万人", "", "", "", "", "A"],
    ])
    response = import_file(client, token, "bad.xlsx", data)
    assert response.status_code == 422
    problems = response.context["import_error"]  # type: ignore[attr-defined]
    assert [p.split("：")[0].split("（")[0] for p in problems] == [f"第 {n} 行" for n in range(3, 9)]
    assert "题型“问答题”无法识别" in problems[0]
    assert "对应的选项没有填写" in problems[1]
    assert "选项中间有空格" in problems[2]
    assert "正确" in problems[3] and "题干为空" in problems[4] and "选项有重复" in problems[5]
    assert bank_count(session) == 0


def test_a_broken_json_bank_is_refused_in_chinese(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    response = import_file(client, token, "bank.json", b'{"format": "ceyice.bank/1", "questions": [')
    assert response.status_code == 422
    assert "JSON" in response.context["import_error"][0]  # type: ignore[attr-defined]
    assert import_file(client, token, "bank.txt", b"x").status_code == 422
    assert bank_count(session) == 0
