"""Importing a sheet or bank file into an existing bank (append) instead of as a new bank: allowed while no
campaign using the bank was ever published, refused in Chinese otherwise, and all or nothing."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import questions as qlib
from app.accounts.models import AuditLog
from app.banks.models import Bank, Question
from app.quiz import campaigns
from tests.banks.test_bank_files import bank_count, sheet, sign_in
from tests.support import factories

NEW_ROWS = [
    ["单选题", "2024年政府工作报告提出，今年城镇新增就业目标为（ ）以上。", "1000万人", "1100万人", "1200万人", "",
     "", "", "C", "", "二、今年工作"],
    ["判断题", "2024年政府工作报告提出，今年居民消费价格涨幅3%左右。", "", "", "", "", "", "", "正确"],
]


def append(client: TestClient, token: str, into: object, name: str, data: bytes, title: str = "") -> Any:
    return client.post("/admin/banks/import", data={"csrf_token": token, "into": str(into), "title": title},
                       files={"file": (name, data, "application/octet-stream")}, follow_redirects=False)


def stems(session: Session, bank: Bank) -> list[str]:
    return list(session.scalars(select(Question.stem).where(Question.bank_id == bank.id)
                                .order_by(Question.position, Question.id)))


def test_a_sheet_is_appended_after_the_questions_already_there(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    bank = factories.bank(session, per_kind=1)
    before = stems(session, bank)
    response = append(client, token, bank.id, "追加.xlsx", sheet(NEW_ROWS), title="不会用到的名称")
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith(f"/admin/banks/{bank.id}")
    assert stems(session, bank) == [*before, NEW_ROWS[0][1], NEW_ROWS[1][1]]
    assert bank_count(session) == 1 and bank.title == "测试题库"
    page = client.get(response.headers["location"])
    assert "已向题库“测试题库”追加 2 道题" in page.text
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "bank_imported")).one()
    assert entry.detail["appended_to"] == bank.id and entry.detail["questions"] == 2


def test_a_bank_file_can_be_appended_too(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    bank = factories.bank(session, per_kind=1)
    other = qlib.dump_bank(factories.bank_file(per_kind=3)).replace("q-sc", "q-new-sc").replace("单选题", "新单选题")
    # Ids q-sc0 and q-mc0… of the bank file collide with the bank's own: only the renamed single choices are new.
    response = append(client, token, bank.id, "other.json", other.encode("utf-8"))
    assert response.status_code == 422
    problems = response.context["import_error"]  # type: ignore[attr-defined]
    assert any("已在题库中" in p for p in problems)
    assert len(stems(session, bank)) == 4
    fresh = qlib.Bank(title="x", source=qlib.Source(title="x", sha256="", chars=0),
                      generator=qlib.GeneratorInfo(name="tests", version="0", seed=0),
                      questions=[q for q in qlib.load_bank(other).questions if q.id.startswith("q-new-sc")])
    response = append(client, token, bank.id, "fresh.json", qlib.dump_bank(fresh).encode("utf-8"))
    assert response.status_code == 303, response.context["import_error"]  # type: ignore[attr-defined]
    assert len(stems(session, bank)) == 4 + 3


@pytest.mark.parametrize("state", ["published", "closed"])
def test_a_bank_a_published_campaign_uses_takes_no_more_questions(client: TestClient, session: Session,
                                                                   state: str) -> None:
    token = sign_in(client, session)
    bank = factories.bank(session, per_kind=2)
    campaign = campaigns.create_campaign(session, bank=bank, title="春季测一测", draw_rule={"single_choice": 2})
    campaigns.publish_campaign(session, campaign)
    if state == "closed":
        campaigns.close_campaign(session, campaign)
    before = stems(session, bank)
    response = append(client, token, bank.id, "追加.xlsx", sheet(NEW_ROWS))
    assert response.status_code == 422
    [problem] = response.context["import_error"]  # type: ignore[attr-defined]
    assert "已用于活动“春季测一测”" in problem and "不能再追加题目" in problem and "新建一个题库" in problem
    assert stems(session, bank) == before
    # The form offers it only as a disabled choice, with the reason.
    assert "（已用于发布过的活动，不能追加）" in client.get("/admin/banks").text


def test_a_bank_with_only_a_draft_campaign_can_still_grow(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    bank = factories.bank(session, per_kind=2)
    campaigns.create_campaign(session, bank=bank, title="草稿活动", draw_rule={"single_choice": 2})
    assert append(client, token, bank.id, "追加.xlsx", sheet(NEW_ROWS)).status_code == 303
    assert len(stems(session, bank)) == 8 + 2


def test_one_bad_or_repeated_row_appends_nothing(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    bank = factories.bank(session, per_kind=1)
    before = stems(session, bank)
    repeated = ["单选题", "单选题0：城镇新增就业（ ）。", "1044万人", "1144万人", "1244万人", "1344万人", "", "", "C"]
    bad = ["判断题", "今年居民消费价格涨幅3%左右。", "", "", "", "", "", "", "也许"]
    response = append(client, token, bank.id, "追加.xlsx", sheet([*NEW_ROWS, bad]))
    assert response.status_code == 422
    assert response.context["import_error"] == ["第 4 行：判断题答案须填写“正确”或“错误”。"]  # type: ignore[attr-defined]
    response = append(client, token, bank.id, "追加.xlsx", sheet([*NEW_ROWS, repeated]))
    assert response.status_code == 422
    [problem] = response.context["import_error"]  # type: ignore[attr-defined]
    assert problem.startswith("第 4 行") and "与题库中第 1 题的题型和题干相同" in problem
    assert stems(session, bank) == before
    # The choice survives the error, so fixing the file and uploading again appends to the same bank.
    assert response.context["into"] == bank.id  # type: ignore[attr-defined]


@pytest.mark.parametrize("into", ["999999", "abc", "1" * 40, "-1"])
def test_an_unknown_target_bank_is_explained(client: TestClient, session: Session, into: str) -> None:
    token = sign_in(client, session)
    factories.bank(session, per_kind=1)
    response = append(client, token, into, "追加.xlsx", sheet(NEW_ROWS))
    assert response.status_code == 422
    assert "要追加题目的题库不存在" in response.context["import_error"][0]  # type: ignore[attr-defined]
    assert int(session.scalar(select(func.count()).select_from(Question)) or 0) == 4


def test_a_new_bank_is_still_the_default(client: TestClient, session: Session) -> None:
    token = sign_in(client, session)
    factories.bank(session, per_kind=1)
    page = client.get("/admin/banks")
    assert '<option value="new">新建一个题库</option>' in page.text
    response = client.post("/admin/banks/import", data={"csrf_token": token, "title": "新题库"},
                           files={"file": ("a.xlsx", sheet(NEW_ROWS), "application/octet-stream")},
                           follow_redirects=False)
    assert response.status_code == 303
    assert bank_count(session) == 2
