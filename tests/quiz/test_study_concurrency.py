"""The study page opens a study session row on every visit: many phones opening it at once all get it."""

from concurrent.futures import ThreadPoolExecutor

import httpx2
from sqlalchemy import func, select

from app.banks import service as banks_service
from app.quiz import campaigns as campaign_service
from app.quiz.models import StudySession
from tests.quiz.conftest import REPORT_TEXT, quiz_bank_file
from tests.support import factories
from tests.support.browser import LiveServer
from tests.support.web import csrf_from

PHONES = 40


def test_forty_phones_opening_the_study_page_at_once_all_get_it(live_server: LiveServer) -> None:
    with live_server.sessions() as session:
        report = banks_service.create_report(session, title="测验报告", text=REPORT_TEXT)
        bank = banks_service.import_bank(session, bank_file=quiz_bank_file(), report=report)
        campaign = campaign_service.create_campaign(session, bank=bank, title="测一测：并发学习",
                                                    draw_rule={"single_choice": 2})
        campaign_service.publish_campaign(session, campaign)
        unit = factories.unit(session, "并发县/并发乡")
        people = [factories.person(session, unit, name=f"学习者{n:02d}", phone=f"1370000{n:04d}")
                  for n in range(PHONES)]
        slug, unit_id = campaign.slug, unit.id
        session.commit()
    clients = [httpx2.Client(base_url=live_server.url, timeout=30) for _ in people]
    try:
        for n, client in enumerate(clients):
            page = client.get(f"/c/{slug}/identify")
            identified = client.post(f"/c/{slug}/identify", data={
                "csrf_token": csrf_from(page), "unit_id": str(unit_id), "name": f"学习者{n:02d}",
                "code": f"{n:04d}"})
            assert identified.status_code == 303, identified.text
        with ThreadPoolExecutor(max_workers=PHONES) as pool:
            statuses = list(pool.map(lambda c: c.get(f"/c/{slug}/study").status_code, clients))
    finally:
        for client in clients:
            client.close()
    assert statuses == [200] * PHONES
    with live_server.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StudySession)) == PHONES
