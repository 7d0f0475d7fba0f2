"""Every admin page at phone width (390×844) and desktop width (1280×800) in real Chromium, for an
organiser and for a unit liaison: nothing wider than the screen, tables read as labelled cards on a
phone, and a screenshot of each page under artifacts/screenshots/."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts import service as accounts_service
from app.accounts.models import Unit
from app.banks.models import Bank, Question
from app.demo.loader import DEMO_ADMIN, DEMO_LIAISON, DEMO_PASSWORD, load_demo
from app.quiz.models import Campaign
from tests.support.browser import LiveServer, Shots

pytestmark = pytest.mark.browser

# The width the page would scroll to beyond the viewport; 0 when nothing sticks out.
OVERFLOW_JS = "document.scrollingElement.scrollWidth - window.innerWidth"
# Boxes that scroll sideways inside the page (a table in a scrolling wrapper, a menu): their ends are
# out of sight on a phone just as much as a page that scrolls.
SIDEWAYS_JS = """() => [...document.querySelectorAll('body *')].filter(el => {
    const x = getComputedStyle(el).overflowX;
    return (x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1;
  }).map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${el.scrollWidth}>${el.clientWidth}`)"""
# Card cells whose text runs out of the card (a nowrap rule winning over the card layout).
SPILLING_JS = """() => [...document.querySelectorAll('table.table-cards tbody td, table.table-cards tbody th')]
  .filter(cell => cell.offsetParent && cell.scrollWidth > cell.clientWidth + 1)
  .map(cell => cell.textContent.trim().slice(0, 20))"""
# Cells of phone cards that show a value without saying what it is.
UNLABELLED_JS = """() => [...document.querySelectorAll('table.table-cards tbody td')]
  .filter(td => !td.dataset.label && !td.matches('.card-title, .card-actions') && td.textContent.trim())
  .map(td => td.textContent.trim().slice(0, 20))"""


@dataclass(frozen=True)
class Demo:
    campaign: int
    bank: int
    question: int
    unit: int
    liaison_unit: int
    waiting: int  # someone of the liaison's town who has not taken part (a paper answer sheet to enter)


@pytest.fixture(scope="module")
def demo(live_server: LiveServer) -> Iterator[Demo]:
    with live_server.sessions() as session, session.begin():
        load_demo(session)
        # A long unit name and a long campaign title: what real county data looks like.
        long_unit = accounts_service.ensure_unit_path(
            session, "示范县/城关镇/城关镇人民政府社会事务综合服务中心（退役军人服务站）")
        long_person = accounts_service.add_person(session, unit=long_unit, name="欧阳明远", phone="13800009001",
                                                  title="办公室副主任兼综合统计员")
        town = session.scalar(select(Unit).where(Unit.name == "城关镇"))
        campaign = session.scalar(select(Campaign))
        bank = session.scalar(select(Bank))
        assert campaign is not None and bank is not None
        campaign.title = "测一测：2022年国务院政府工作报告知多少（示范县县直机关、各乡镇和中小学干部职工专场）"
        question = session.scalar(select(Question).where(Question.bank_id == bank.id).order_by(Question.id))
        county = session.scalar(select(Unit).where(Unit.name == "县政府办公室"))
        assert question is not None and county is not None and town is not None
        ids = Demo(campaign.id, bank.id, question.id, county.id, town.id, long_person.id)
    yield ids


def sign_in(page: object, live_server: LiveServer, username: str) -> None:
    page.goto(live_server.url + "/admin/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(live_server.url + "/admin")  # type: ignore[attr-defined]


def organiser_pages(d: Demo) -> dict[str, str]:
    c = f"/admin/campaigns/{d.campaign}"
    return {
        "home": "/admin", "banks": "/admin/banks", "bank": f"/admin/banks/{d.bank}",
        "question": f"/admin/banks/{d.bank}/questions/{d.question}", "campaigns": "/admin/campaigns",
        "campaign": c, "campaign-edit": f"{c}/edit", "share": f"{c}/share", "roster": "/admin/roster",
        "unit": f"/admin/roster/units/{d.unit}", "accounts": "/admin/accounts", "audit": "/admin/audit",
        "reports": "/admin/reports", "dashboard": f"/admin/reports/{d.campaign}",
        "paper": f"/admin/reports/{d.campaign}/units/{d.liaison_unit}/paper",
        "items": f"/admin/reports/{d.campaign}/items", "people": f"/admin/reports/{d.campaign}/people",
        "print": f"{c}/print",
    }


def liaison_pages(d: Demo) -> dict[str, str]:
    return {
        "home": "/admin", "roster": "/admin/roster", "unit": f"/admin/roster/units/{d.liaison_unit}",
        "reports": "/admin/reports", "dashboard": f"/admin/reports/{d.campaign}/units/{d.liaison_unit}",
        "paper": f"/admin/reports/{d.campaign}/units/{d.liaison_unit}/paper",
        "paper-entry": f"/admin/reports/{d.campaign}/units/{d.liaison_unit}/paper/{d.waiting}",
    }


def visit_all(page: object, live_server: LiveServer, shots: Shots, pages: dict[str, str]) -> dict[str, object]:
    """Open each page, screenshot it, and collect what sticks out: {page: problems} for pages with any."""
    found: dict[str, object] = {}
    for label, path in pages.items():
        response = page.goto(live_server.url + path)  # type: ignore[attr-defined]
        assert response is not None and response.status == 200, (label, path)
        problems = {"page wider than the screen by px": page.evaluate(OVERFLOW_JS),  # type: ignore[attr-defined]
                    "scrolls sideways": page.evaluate(SIDEWAYS_JS),  # type: ignore[attr-defined]
                    "text out of its card": page.evaluate(SPILLING_JS),  # type: ignore[attr-defined]
                    "unlabelled card cells": page.evaluate(UNLABELLED_JS)}  # type: ignore[attr-defined]
        problems = {k: v for k, v in problems.items() if v}
        if problems:
            found[label] = problems
        if label == "bank":
            # Hundreds of questions: the top of the review page is what there is to see.
            shots.count += 1
            page.screenshot(path=str(shots.dir / f"{shots.count:02d}-{label}.png"))  # type: ignore[attr-defined]
        else:
            shots.take(page, label)
    return found


@pytest.mark.parametrize("who", ["organiser", "liaison"])
def test_no_admin_page_is_wider_than_a_phone(live_server: LiveServer, demo: Demo, phone: object, shots: Shots,
                                            who: str) -> None:
    sign_in(phone, live_server, DEMO_ADMIN if who == "organiser" else DEMO_LIAISON)
    pages = organiser_pages(demo) if who == "organiser" else liaison_pages(demo)
    assert visit_all(phone, live_server, shots, pages) == {}
    # The cards are the tables' phone layout: the table element itself no longer lays out as a grid.
    phone.goto(live_server.url + pages["roster"])  # type: ignore[attr-defined]
    assert phone.evaluate("getComputedStyle(document.querySelector('table.table-cards tr')).display") == "flex"  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["organiser", "liaison"])
def test_admin_pages_on_a_desktop(live_server: LiveServer, demo: Demo, desktop: object, shots: Shots,
                                  who: str) -> None:
    desktop.set_viewport_size({"width": 1280, "height": 800})  # type: ignore[attr-defined]
    sign_in(desktop, live_server, DEMO_ADMIN if who == "organiser" else DEMO_LIAISON)
    pages = organiser_pages(demo) if who == "organiser" else liaison_pages(demo)
    found = visit_all(desktop, live_server, shots, pages)
    assert {label: v for label, v in found.items() if "page wider than the screen by px" in v} == {}  # type: ignore[operator]
    # On a desktop the same tables stay tables.
    desktop.goto(live_server.url + pages["roster"])  # type: ignore[attr-defined]
    assert desktop.evaluate("getComputedStyle(document.querySelector('table.table-cards tr')).display") == "table-row"  # type: ignore[attr-defined]


def page_problems(page: object) -> dict[str, object]:
    found = {"wider by px": page.evaluate(OVERFLOW_JS), "sideways": page.evaluate(SIDEWAYS_JS),  # type: ignore[attr-defined]
             "unlabelled": page.evaluate(UNLABELLED_JS)}  # type: ignore[attr-defined]
    return {k: v for k, v in found.items() if v}


def test_a_liaison_imports_their_units_roster_on_a_phone(live_server: LiveServer, demo: Demo, phone: object,
                                                         shots: Shots, tmp_path: Path) -> None:
    sign_in(phone, live_server, DEMO_LIAISON)
    phone.goto(live_server.url + "/admin/roster")  # type: ignore[attr-defined]
    # The picker speaks Chinese; the browser's own (English in this Chromium) control is out of sight.
    assert phone.inner_text("form .file-pick").split() == ["选择文件", "未选择文件"]  # type: ignore[attr-defined]
    box = phone.locator("#roster-file").bounding_box()  # type: ignore[attr-defined]
    assert box is not None and box["width"] <= 1 and box["height"] <= 1
    phone.focus("#roster-file")  # type: ignore[attr-defined]
    assert phone.evaluate("document.activeElement.id") == "roster-file"  # type: ignore[attr-defined]

    mixed = tmp_path / "城关镇人员名单.csv"
    mixed.write_text("单位,姓名,手机号,职务\n示范县/城关镇/党政办,黄小明,13800007001,干事\n"
                     "示范县/青山乡,马金山,13800005001,乡长\n", encoding="utf-8-sig")
    phone.set_input_files("#roster-file", str(mixed))  # type: ignore[attr-defined]
    assert phone.inner_text("[data-file-name]") == "城关镇人员名单.csv"  # type: ignore[attr-defined]
    shots.take(phone, "file-chosen")
    phone.click("button:has-text('上传并预览')")  # type: ignore[attr-defined]
    phone.wait_for_url("**/admin/roster/import/*")  # type: ignore[attr-defined]
    assert "不在您负责的“示范县/城关镇”范围内" in phone.inner_text("main")  # type: ignore[attr-defined]
    assert phone.locator("text=确认导入").count() == 0  # type: ignore[attr-defined]
    assert page_problems(phone) == {}
    shots.take(phone, "outside-unit-refused")

    own = tmp_path / "党政办名单.csv"
    own.write_text("单位,姓名,手机号,职务\n示范县/城关镇/党政办,黄小明,13800007001,干事\n", encoding="utf-8-sig")
    phone.goto(live_server.url + "/admin/roster")  # type: ignore[attr-defined]
    phone.set_input_files("#roster-file", str(own))  # type: ignore[attr-defined]
    phone.click("button:has-text('上传并预览')")  # type: ignore[attr-defined]
    phone.wait_for_url("**/admin/roster/import/*")  # type: ignore[attr-defined]
    assert page_problems(phone) == {}
    shots.take(phone, "preview")
    phone.click("button:has-text('确认导入')")  # type: ignore[attr-defined]
    phone.wait_for_selector("text=名单已导入")  # type: ignore[attr-defined]
    shots.take(phone, "imported")
