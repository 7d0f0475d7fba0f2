"""An organiser in real Chromium: log in, upload a report, watch it generate, review and edit a
question, create and publish a campaign, and reach the share page with its QR code; then a phone."""

from pathlib import Path

import pytest

from app.accounts import service as accounts_service
from tests.support.browser import LiveServer, Shots

pytestmark = pytest.mark.browser

USER, PASSWORD = "zhangke", "county-office-2026"
FALLBACK_REPORT = """2026年示范县政府工作报告

一、2025年工作回顾
过去一年，全县地区生产总值达到386.5亿元，增长6.2%。一般公共预算收入完成25.3亿元，增长5.1%。城镇新增就业8600人，城镇调查失业率控制在5.5%以内。粮食总产量达到61.2万吨。新建改建农村公路215公里，建成5G基站1300个。

二、2026年主要目标任务
今年经济社会发展的主要预期目标是：地区生产总值增长6%左右；城镇新增就业8000人以上。重点抓好以下工作：一是扩大有效投资，全年实施重点项目120个；二是推进乡村全面振兴，新建高标准农田5万亩。
"""


def report_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The Jiangxi 2026 report from ../shared when present, else a short report written here."""
    try:
        shared: Path = request.getfixturevalue("shared_dir") / "reports" / "gov_report_2026_jiangxi_provincial.txt"
    except pytest.skip.Exception:
        shared = tmp_path / "absent"
    if shared.is_file():
        return shared
    path = tmp_path / "示范县政府工作报告.txt"
    path.write_text(FALLBACK_REPORT, encoding="utf-8")
    return path


def viewport(shots: Shots, page: object, label: str) -> None:
    """A screenshot of what is on screen (long pages such as a 200-question review stay readable)."""
    shots.count += 1
    page.screenshot(path=str(shots.dir / f"{shots.count:02d}-{label}.png"))  # type: ignore[attr-defined]


def seed(live_server: LiveServer) -> None:
    with live_server.sessions() as session, session.begin():
        if accounts_service.authenticate(session, username=USER, password=PASSWORD) is None:
            accounts_service.create_admin_user(session, username=USER, password=PASSWORD,
                                               display_name="县政府办 张科长")
            for path in ("示范县/县政府办公室", "示范县/城关镇/党政办", "示范县/青山乡"):
                accounts_service.ensure_unit_path(session, path)


def sign_in(page: object, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/admin/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", USER)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(live_server.url + "/admin")  # type: ignore[attr-defined]


def test_organiser_goes_from_report_to_published_campaign(live_server: LiveServer, desktop: object, shots: Shots,
                                                           tmp_path: Path, request: pytest.FixtureRequest) -> None:
    seed(live_server)
    page = desktop
    sign_in(page, live_server)
    shots.take(page, "home")

    page.click("nav >> text=报告与题库")  # type: ignore[attr-defined]
    shots.take(page, "banks-empty")
    page.set_input_files("form[action$='/banks/upload'] input[type=file]", str(report_file(request, tmp_path)))  # type: ignore[attr-defined]
    page.click("text=上传并生成题库")  # type: ignore[attr-defined]
    page.wait_for_url("**/admin/jobs/*")  # type: ignore[attr-defined]
    shots.take(page, "generating")
    page.wait_for_selector("text=开始审阅题目", timeout=60_000)  # type: ignore[attr-defined]
    shots.take(page, "generated")

    page.click("text=开始审阅题目")  # type: ignore[attr-defined]
    page.wait_for_selector("article.question")  # type: ignore[attr-defined]
    viewport(shots, page, "review")
    page.select_option("select[name=kind]", "single_choice")  # type: ignore[attr-defined]
    page.click("button:has-text('筛选')")  # type: ignore[attr-defined]
    page.wait_for_url("**kind=single_choice**")  # type: ignore[attr-defined]
    viewport(shots, page, "review-filtered")
    page.click("article.question >> nth=0 >> text=修改")  # type: ignore[attr-defined]
    page.wait_for_selector("textarea[name=explanation]")  # type: ignore[attr-defined]
    page.fill("textarea[name=explanation]", "本题考查报告中的主要数据。")  # type: ignore[attr-defined]
    shots.take(page, "edit")
    page.click("button:has-text('保存')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=修改已保存")  # type: ignore[attr-defined]
    viewport(shots, page, "saved")
    assert "本题考查报告中的主要数据。" in page.text_content("main")  # type: ignore[attr-defined]

    page.click("text=用此题库创建活动")  # type: ignore[attr-defined]
    page.wait_for_selector("input[name=title]")  # type: ignore[attr-defined]
    page.fill("input[name=opens_at]", "2026-03-01T09:00")  # type: ignore[attr-defined]
    page.fill("input[name=closes_at]", "2026-03-31T18:00")  # type: ignore[attr-defined]
    page.fill("input[name=time_limit_minutes]", "20")  # type: ignore[attr-defined]
    shots.take(page, "campaign-form")
    page.click("text=创建活动（草稿）")  # type: ignore[attr-defined]
    page.wait_for_selector("text=这是草稿")  # type: ignore[attr-defined]
    shots.take(page, "campaign-draft")
    page.click("button:has-text('发布活动')")  # type: ignore[attr-defined]
    page.wait_for_url("**/share")  # type: ignore[attr-defined]
    page.wait_for_function("document.querySelector('.share-qr img').naturalWidth > 100")  # type: ignore[attr-defined]
    assert "/c/" in page.input_value("#share-link")  # type: ignore[attr-defined]
    shots.take(page, "share")
    page.click("text=打印各单位二维码")  # type: ignore[attr-defined]
    page.wait_for_selector(".qr-card >> nth=3")  # type: ignore[attr-defined]
    shots.take(page, "print")


def test_the_console_reads_well_on_a_phone(live_server: LiveServer, phone: object, shots: Shots) -> None:
    seed(live_server)
    sign_in(phone, live_server)
    phone.click("nav >> text=答题活动")  # type: ignore[attr-defined]
    shots.take(phone, "campaigns")
    phone.click("nav >> text=报告与题库")  # type: ignore[attr-defined]
    shots.take(phone, "banks")
    phone.click("nav >> text=人员名单")  # type: ignore[attr-defined]
    shots.take(phone, "roster")
