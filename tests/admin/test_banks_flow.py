"""Report upload → generation with progress → review and editing → campaign → publish, over HTTP."""

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import AuditLog
from app.banks.models import Bank, Question, Report
from app.quiz.models import Campaign
from tests.support.web import csrf

REPORT = """2026年示范县政府工作报告

一、2025年工作回顾
过去一年，全县地区生产总值达到386.5亿元，增长6.2%。一般公共预算收入完成25.3亿元，增长5.1%。城镇新增就业8600人，城镇调查失业率控制在5.5%以内。粮食总产量达到61.2万吨，连续五年稳定在60万吨以上。新建改建农村公路215公里，建成5G基站1300个。
全县坚持稳中求进工作总基调，统筹推进“三大攻坚战”，打好蓝天、碧水、净土保卫战，空气质量优良天数比例达到93.6%。

二、2026年主要目标任务
今年经济社会发展的主要预期目标是：地区生产总值增长6%左右；城镇新增就业8000人以上；居民人均可支配收入增长与经济增长基本同步。
重点抓好以下工作：一是扩大有效投资，全年实施重点项目120个；二是推进乡村全面振兴，新建高标准农田5万亩；三是加强民生保障，新增公办幼儿园学位1500个。
"""


def upload(client: TestClient, data: bytes, filename: str, title: str = "") -> Any:
    token = csrf(client, "/admin/banks")
    return client.post("/admin/banks/upload", data={"csrf_token": token, "title": title},
                       files={"file": (filename, data, "application/octet-stream")}, follow_redirects=False)


def generated_bank(client: TestClient, session: Session) -> Bank:
    response = upload(client, REPORT.encode("gbk"), "示范县报告.txt")
    assert response.status_code == 303
    job_page = client.get(response.headers["location"])
    state = job_page.context["state"]  # type: ignore[attr-defined]
    assert state["status"] == "done", state
    assert client.get(f"/admin/jobs/{job_page.context['job'].id}/status").json()["percent"] == 100  # type: ignore[attr-defined]
    return session.get_one(Bank, state["bank_id"])


def question_form(row: Question, **changes: Any) -> dict[str, Any]:
    payload = row.payload
    form: dict[str, Any] = {"kind": row.kind, "stem": row.stem, "evidence": payload["evidence"],
                            "section": row.section, "explanation": payload.get("explanation", ""),
                            "difficulty": str(payload.get("difficulty", 2))}
    for i, option in enumerate(payload.get("options", [])):
        form[f"option_{i}"] = option
    if row.kind == "single_choice":
        form["answer"] = [str(payload["answer"])]
    elif row.kind == "multiple_choice":
        form["answer"] = [str(a) for a in payload["answer"]]
    elif row.kind == "true_false":
        form["answer_bool"] = "true" if payload["answer"] else "false"
    else:
        form["answer_text"] = "|".join(payload["answer"])
    form.update(changes)
    return form


def test_upload_generates_a_bank_with_progress_then_edit_and_publish(admin_client: TestClient,
                                                                     session: Session) -> None:
    bank = generated_bank(admin_client, session)
    report = session.get_one(Report, bank.report_id)
    assert "386.5亿元" in report.text  # the GBK file was decoded
    review = admin_client.get(f"/admin/banks/{bank.id}")
    assert review.template.name == "admin/bank.html"  # type: ignore[attr-defined]
    shown = review.context["questions"]  # type: ignore[attr-defined]
    assert len(shown) >= 10
    assert all(q.evidence in review.text for _, q in shown[:3])  # evidence beside each question

    row = next(r for r, _ in shown if r.kind == "single_choice")
    token = csrf(admin_client, f"/admin/banks/{bank.id}/questions/{row.id}")
    wrong_key = (int(row.payload["answer"]) + 1) % len(row.payload["options"])
    refused = admin_client.post(f"/admin/banks/{bank.id}/questions/{row.id}",
                                data={**question_form(row, answer=[str(wrong_key)]), "csrf_token": token})
    assert refused.status_code == 422
    assert any("原文" in p for p in refused.context["problems"])  # type: ignore[attr-defined]
    session.refresh(row)
    assert row.payload["answer"] != wrong_key and not row.edited  # nothing half-saved

    new_stem = "示范县2026年政府工作报告指出，" + row.stem.split("指出，", 1)[-1]
    saved = admin_client.post(f"/admin/banks/{bank.id}/questions/{row.id}",
                              data={**question_form(row, stem=new_stem), "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303
    session.refresh(row)
    assert row.stem == new_stem and row.edited

    retired = admin_client.post(f"/admin/banks/{bank.id}/questions/{row.id}/status",
                                data={"status": "retired", "csrf_token": token}, follow_redirects=False)
    assert retired.status_code == 303
    assert admin_client.get(f"/admin/banks/{bank.id}?status=retired").context["questions"][0][0].id == row.id  # type: ignore[attr-defined]

    form = admin_client.get(f"/admin/campaigns/new?bank_id={bank.id}")
    available = form.context["available"]  # type: ignore[attr-defined]
    assert available["single_choice"] >= 2
    created = admin_client.post("/admin/campaigns/new", data={
        "csrf_token": token, "bank_id": str(bank.id), "title": "测一测：示范县政府工作报告知多少",
        "opens_at": "2026-03-01T09:00", "closes_at": "2026-03-31T18:00", "draw_single_choice": "2",
        "draw_true_false": "1", "draw_multiple_choice": "0", "draw_fill_blank": "0", "points_total": "100",
        "pass_mark": "60", "time_limit_minutes": "20", "max_attempts": "2", "score_policy": "best",
        "identity_mode": "roster", "study_minutes": "0", "show_answers": "after_submit"}, follow_redirects=False)
    assert created.status_code == 303, created.text
    campaign = session.scalars(select(Campaign).where(Campaign.bank_id == bank.id)).one()
    assert campaign.status == "draft" and campaign.opens_at is not None
    assert campaign.opens_at.hour == 1  # 09:00 China time is 01:00 UTC
    published = admin_client.post(f"/admin/campaigns/{campaign.id}/status",
                                  data={"action": "publish", "csrf_token": token}, follow_redirects=False)
    assert published.headers["location"].endswith(f"/admin/campaigns/{campaign.id}/share")
    session.refresh(campaign)
    assert campaign.status == "published"
    share = admin_client.get(published.headers["location"])
    assert share.context["link"] == f"http://testserver/c/{campaign.slug}"  # type: ignore[attr-defined]
    qr = admin_client.get(f"/admin/campaigns/{campaign.id}/qr.png")
    assert qr.content.startswith(b"\x89PNG") and qr.headers["content-type"] == "image/png"

    actions = set(session.scalars(select(AuditLog.action)))
    assert {"login", "report_uploaded", "bank_generated", "question_edited", "question_retired",
            "campaign_created", "campaign_published"} <= actions
    log = admin_client.get("/admin/audit")
    assert "发布活动" in log.text and "生成题库" in log.text


def test_a_bad_report_file_is_explained_in_chinese_and_nothing_is_stored(admin_client: TestClient,
                                                                           session: Session) -> None:
    for data, name, words in [(b"", "empty.txt", "空"), (b"PK\x03\x04junk", "old.doc", ".docx"),
                              (b"abc", "photo.jpg", "不支持")]:
        response = upload(admin_client, data, name)
        assert response.status_code == 422
        assert words in response.context["error"]  # type: ignore[attr-defined]
    assert session.scalar(select(func.count()).select_from(Report)) == 0


def test_an_oversized_report_is_refused(admin_client: TestClient, app: Any, session: Session) -> None:
    app.state.settings.max_upload_bytes, before = 2000, app.state.settings.max_upload_bytes
    try:
        response = upload(admin_client, REPORT.encode() * 10, "big.txt")
    finally:
        app.state.settings.max_upload_bytes = before
    assert response.status_code == 422 and "过大" in response.context["error"]  # type: ignore[attr-defined]


def test_a_report_without_facts_fails_generation_with_a_chinese_reason(admin_client: TestClient,
                                                                        session: Session) -> None:
    response = upload(admin_client, "我们要继续努力，把各项工作做得更好。".encode(), "short.txt", title="短文")
    page = admin_client.get(response.headers["location"])
    assert page.context["state"]["status"] == "failed"  # type: ignore[attr-defined]
    assert "没有" in page.context["state"]["error"] and "题库没有生成" in page.text  # type: ignore[attr-defined]
    assert session.scalar(select(func.count()).select_from(Bank)) == 0


def test_a_hand_added_question_without_evidence_is_checked_for_shape(admin_client: TestClient,
                                                                      session: Session) -> None:
    bank = generated_bank(admin_client, session)
    before = session.scalar(select(func.count()).select_from(Question).where(Question.bank_id == bank.id))
    token = csrf(admin_client, f"/admin/banks/{bank.id}/questions/new?kind=fill_blank")
    base = {"csrf_token": token, "kind": "fill_blank", "answer_text": "8600", "section": "一、2025年工作回顾",
            "difficulty": "2"}
    refused = admin_client.post(f"/admin/banks/{bank.id}/questions/new", data={**base, "stem": "城镇新增就业多少人"})
    assert refused.status_code == 422
    assert "题干中缺少作答位置（ ）。" in refused.context["problems"]  # type: ignore[attr-defined]
    added = admin_client.post(f"/admin/banks/{bank.id}/questions/new",
                              data={**base, "stem": "2025年全县城镇新增就业（ ）人。"}, follow_redirects=False)
    assert added.status_code == 303
    assert session.scalar(select(func.count()).select_from(Question).where(Question.bank_id == bank.id)) == before + 1


def test_a_hand_added_question_with_evidence_must_match_the_report(admin_client: TestClient,
                                                                   session: Session) -> None:
    bank = generated_bank(admin_client, session)
    token = csrf(admin_client, f"/admin/banks/{bank.id}/questions/new?kind=single_choice")
    form = {"csrf_token": token, "kind": "single_choice", "stem": "2025年全县新建改建农村公路（ ）公里。",
            "option_0": "115", "option_1": "215", "option_2": "315", "option_3": "215",
            "answer": ["1"], "evidence": "新建改建农村公路215公里，建成5G基站1300个。"}
    refused = admin_client.post(f"/admin/banks/{bank.id}/questions/new", data=form)
    assert "选项有重复。" in refused.context["problems"]  # type: ignore[attr-defined]
    ok = admin_client.post(f"/admin/banks/{bank.id}/questions/new", data={**form, "option_3": "415"},
                           follow_redirects=False)
    assert ok.status_code == 303


def test_saving_a_negative_list_question_unchanged_keeps_its_tags_and_validates(admin_client: TestClient,
                                                                                 session: Session,
                                                                                 shared_dir: Path) -> None:
    report = (shared_dir / "reports" / "gov_report_2026_jiangxi_provincial.txt").read_bytes()
    job = admin_client.get(upload(admin_client, report, "jiangxi.txt").headers["location"])
    bank = session.get_one(Bank, job.context["state"]["bank_id"])  # type: ignore[attr-defined]
    negative = [row for row in session.scalars(select(Question).where(Question.bank_id == bank.id))
                if "negative" in row.payload.get("tags", [])]
    assert negative, "a real report's 一是…二是… lists yield 不属于 questions"
    row = negative[0]
    token = csrf(admin_client, f"/admin/banks/{bank.id}/questions/{row.id}")
    saved = admin_client.post(f"/admin/banks/{bank.id}/questions/{row.id}",
                              data={"csrf_token": token, **question_form(row)}, follow_redirects=False)
    assert saved.status_code == 303, saved.context.get("problems")  # type: ignore[attr-defined]
    session.refresh(row)
    assert "negative" in row.payload["tags"]


def test_evidence_typed_with_browser_line_breaks_still_matches_the_report(admin_client: TestClient,
                                                                          session: Session) -> None:
    bank = generated_bank(admin_client, session)
    token = csrf(admin_client, f"/admin/banks/{bank.id}/questions/new?kind=true_false")
    # Browsers submit textarea line breaks as CRLF; the report's lines are LF.
    evidence = ("全县坚持稳中求进工作总基调，统筹推进“三大攻坚战”，打好蓝天、碧水、净土保卫战，"
                "空气质量优良天数比例达到93.6%。")
    form = {"csrf_token": token, "kind": "true_false", "stem": evidence,
            "answer_bool": "true", "evidence": "新建改建农村公路215公里，建成5G基站1300个。\r\n" + evidence,
            "section": "一、2025年工作回顾", "difficulty": "1"}
    added = admin_client.post(f"/admin/banks/{bank.id}/questions/new", data=form, follow_redirects=False)
    assert added.status_code == 303, added.context.get("problems")  # type: ignore[attr-defined]
