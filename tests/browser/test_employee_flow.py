"""An employee takes a quiz on a phone in real Chromium: with JavaScript (autosave, timer), and without."""

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.orm import Session

import questions as qlib
from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.banks import service as banks_service
from app.core.timeutil import utc_now
from app.quiz import campaigns as campaign_service
from app.quiz.models import Answer, Attempt, AttemptStatus, Campaign
from tests.support.browser import PHONE, LiveServer, Shots

pytestmark = pytest.mark.browser

REPORT = Path(__file__).resolve().parents[2] / "app" / "demo" / "report_2022_national.txt"
EVIDENCE_GDP = "国内生产总值达到114万亿元，增长8.1%。"
EVIDENCE_JOBS = "城镇新增就业1269万人，城镇调查失业率平均为5.1%。"
EVIDENCE_GRAIN = "粮食产量1.37万亿斤，创历史新高。"


def _bank() -> qlib.Bank:
    q = qlib.Question
    made = [
        q(id="q-b1", kind=qlib.Kind.SINGLE_CHOICE, stem="2022年政府工作报告指出，2021年国内生产总值达到（ ）。",
          options=("104万亿元", "114万亿元", "124万亿元", "134万亿元"), answer=1, evidence=EVIDENCE_GDP,
          section="一、2021年工作回顾", explanation="", difficulty=2, tags=()),
        q(id="q-b2", kind=qlib.Kind.SINGLE_CHOICE, stem="2022年政府工作报告指出，2021年城镇新增就业（ ）。",
          options=("1069万人", "1169万人", "1269万人", "1369万人"), answer=2, evidence=EVIDENCE_JOBS,
          section="一、2021年工作回顾", explanation="", difficulty=2, tags=()),
        q(id="q-b3", kind=qlib.Kind.SINGLE_CHOICE, stem="2022年政府工作报告指出，2021年粮食产量（ ），创历史新高。",
          options=("1.07万亿斤", "1.17万亿斤", "1.27万亿斤", "1.37万亿斤"), answer=3, evidence=EVIDENCE_GRAIN,
          section="一、2021年工作回顾", explanation="", difficulty=2, tags=()),
        q(id="q-b4", kind=qlib.Kind.MULTIPLE_CHOICE, stem="2022年政府工作报告指出，2021年（ ）。",
          options=("国内生产总值增长8.1%", "城镇调查失业率平均为5.1%", "居民消费价格上涨0.9%", "粮食产量1.17万亿斤"),
          answer=(0, 1, 2), evidence=EVIDENCE_GDP, section="一、2021年工作回顾", explanation="", difficulty=2,
          tags=()),
        q(id="q-b5", kind=qlib.Kind.TRUE_FALSE, stem="2022年政府工作报告指出，2021年粮食产量1.37万亿斤，创历史新高。",
          options=(), answer=True, evidence=EVIDENCE_GRAIN, section="一、2021年工作回顾", explanation="",
          difficulty=1, tags=()),
        q(id="q-b6", kind=qlib.Kind.FILL_BLANK, stem="2022年政府工作报告指出，2021年城镇新增就业（ ）万人。",
          options=(), answer=("1269",), evidence=EVIDENCE_JOBS, section="一、2021年工作回顾", explanation="",
          difficulty=2, tags=()),
    ]
    return qlib.Bank(title="2022年政府工作报告",
                     source=qlib.Source(title="2022年政府工作报告", sha256="0" * 64, chars=1),
                     generator=qlib.GeneratorInfo(name="tests", version="0", seed=0), questions=made)


def _seed(server: LiveServer, title: str, *, time_limit: int | None = 15 * 60) -> tuple[str, str]:
    """A published campaign over a real report, a county roster and its liaison; (slug, unit code)."""
    with server.sessions() as session, session.begin():
        existing = session.scalar(select(Campaign).where(Campaign.title == title))
        if existing is not None:
            office = accounts_service.find_unit_by_full_name(session, "示范县/城关镇/党政办")
            assert office is not None
            return existing.slug, office.code
        office = _roster(session)
        report = banks_service.create_report(session, title="2022年国务院政府工作报告",
                                             text=REPORT.read_text(encoding="utf-8"))
        bank = banks_service.import_bank(session, bank_file=_bank(), report=report)
        campaign = campaign_service.create_campaign(
            session, bank=bank, title=title, intro="请先学习报告原文，再完成答题。",
            draw_rule={"single_choice": 3, "multiple_choice": 1, "true_false": 1, "fill_blank": 1},
            opens_at=utc_now() - timedelta(hours=1), closes_at=utc_now() + timedelta(days=7),
            time_limit_seconds=time_limit, max_attempts=2)
        campaign_service.publish_campaign(session, campaign)
        return campaign.slug, office.code


def _roster(session: Session) -> object:
    found = accounts_service.find_unit_by_full_name(session, "示范县/城关镇/党政办")
    if found is not None:
        return found
    for path in ("示范县/县政府办公室", "示范县/县财政局", "示范县/城关镇/社会事务办", "示范县/青山乡"):
        accounts_service.ensure_unit_path(session, path)
    office = accounts_service.ensure_unit_path(session, "示范县/城关镇/党政办")
    accounts_service.add_person(session, unit=office, name="黄文斌", phone="13800003001")
    accounts_service.add_person(session, unit=office, name="周小红", phone="13800003002")
    town = accounts_service.ensure_unit_path(session, "示范县/城关镇")
    accounts_service.create_admin_user(session, username="town-liaison", password="liaison-pass-42",
                                       role=Role.LIAISON, unit=town, display_name="城关镇 李联络员")
    return office


def _snapshot(server: LiveServer) -> tuple[str, list[dict[str, object]]]:
    with server.sessions() as session:
        attempt = session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()
        assert attempt is not None
        return attempt.token, list(attempt.snapshot)


def _screen(page: Page, shots: Shots, label: str) -> None:
    """Only what the phone shows (the study page holds the whole report)."""
    shots.count += 1
    page.screenshot(path=str(shots.dir / f"{shots.count:02d}-{label}.png"))


def _choose(page: Page, item: dict[str, object], *, scope: str = "") -> None:
    """Tick the right answer the way a person does: by tapping the option's label."""
    answer = item["answer"]
    position = item["position"]
    if item["kind"] == "fill_blank":
        page.fill(f"{scope} input[name=r{position}]", str(answer[0]))  # type: ignore[index]
        page.locator(f"{scope} input[name=r{position}]").blur()
        return
    values = ["true" if answer else "false"] if item["kind"] == "true_false" else (
        [str(a) for a in answer] if isinstance(answer, list) else [str(answer)])
    for value in values:
        page.locator(f"{scope} label.choice:has(input[name=r{position}][value='{value}'])").click()


def test_employee_takes_the_quiz_on_a_phone_with_javascript(live_server: LiveServer, phone: Page,
                                                             shots: Shots) -> None:
    slug, _code = _seed(live_server, "测一测：2022年政府工作报告知多少")
    page = phone
    page.goto(f"{live_server.url}/c/{slug}")
    assert "共 6 题" in page.text_content("main")  # type: ignore[operator]
    shots.take(page, "entry")

    page.click("text=开始：确认身份")
    page.fill("input[data-unit-filter]", "党政")
    assert page.locator("label[data-unit-name='示范县/县财政局']").is_hidden()
    page.click("label[data-unit-name='示范县/城关镇/党政办']")
    page.fill("input[name=name]", "黄文斌")
    page.fill("input[name=code]", "9999")
    page.click("button:has-text('确认，进入学习和答题')")
    assert "城关镇 李联络员" in page.text_content("main")  # type: ignore[operator]
    shots.take(page, "identify-no-match")
    assert "示范县/城关镇/党政办" in page.text_content(".chosen-unit")  # type: ignore[operator]
    page.fill("input[name=code]", "3001")
    shots.take(page, "identify")
    page.click("button:has-text('确认，进入学习和答题')")
    page.wait_for_url(f"**/c/{slug}/study")
    assert "一、2021年工作回顾" in page.text_content(".toc")  # type: ignore[operator]
    _screen(page, shots, "study")
    page.click("button:has-text('大字')")
    page.wait_for_selector("body.font-large")
    page.click(".toc-list a >> nth=2")
    _screen(page, shots, "study-large-font")

    page.click("button:has-text('学完了，开始答题')")
    page.wait_for_url("**/q/1")
    token, snapshot = _snapshot(live_server)
    shots.take(page, "question")
    _choose(page, snapshot[0])
    page.wait_for_selector("[data-save-status]:has-text('已自动保存')")
    with live_server.sessions() as session:
        saved = session.scalar(select(Answer).join(Attempt).where(Attempt.token == token, Answer.position == 0))
        assert saved is not None and saved.response is not None
    shots.take(page, "question-answered")

    page.click("button:has-text('下一题')")
    page.wait_for_url("**/q/2")
    _choose(page, snapshot[1])
    page.wait_for_selector("[data-save-status]:has-text('已自动保存')")
    page.click("details.jump > summary")
    shots.take(page, "jump-list")

    page.click("button:has-text('全部题目在一页显示')")
    page.wait_for_url("**/all")
    for item in snapshot[2:]:
        _choose(page, item, scope=f"#q{int(item['position']) + 1}")  # type: ignore[call-overload]
    for card in ("#q3", "#q6"):
        page.wait_for_selector(f"{card} [data-save-status]:has-text('已自动保存')")
    page.evaluate("window.scrollTo(0, 0)")
    shots.take(page, "all-on-one-page")

    page.click("button:has-text('保存并交卷')")
    page.wait_for_url("**/review")
    assert "所有题目都已作答" in page.text_content("main")  # type: ignore[operator]
    shots.take(page, "review")
    page.click("button:has-text('确认交卷')")
    page.wait_for_url("**/result")
    main = page.text_content("main") or ""
    assert "100" in main and "及格" in main and "【原文】" in main
    shots.take(page, "result")

    page.goto(f"{live_server.url}/c/{slug}")
    assert "我的成绩" in page.text_content("main")  # type: ignore[operator]
    shots.take(page, "entry-after")


def test_employee_answers_and_submits_without_javascript(live_server: LiveServer, chromium: Browser,
                                                         shots: Shots) -> None:
    slug, code = _seed(live_server, "测一测：无脚本答题")
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                   locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/c/{slug}?u={code}")
        page.click("text=开始：确认身份")
        assert "示范县/城关镇/党政办" in page.text_content(".chosen-unit")  # type: ignore[operator]
        page.fill("input[name=name]", "周小红")
        page.fill("input[name=code]", "3002")
        page.click("button:has-text('确认，进入学习和答题')")
        page.click("button:has-text('学完了，开始答题')")
        page.wait_for_url("**/q/1")
        token, snapshot = _snapshot(live_server)
        for item in snapshot:
            _choose(page, item)
            if item is snapshot[0]:
                shots.take(page, "no-js-question")
            page.click("button.q-next")
        page.wait_for_url("**/review")
        page.click("button:has-text('确认交卷')")
        page.wait_for_url("**/result")
        assert "100" in (page.text_content(".score-value") or "")
        shots.take(page, "no-js-result")
        with live_server.sessions() as session:
            attempt = session.scalar(select(Attempt).where(Attempt.token == token))
            assert attempt is not None and attempt.status == AttemptStatus.SUBMITTED and attempt.score == 100
    finally:
        context.close()
