"""Campaigns, people and banks for the quiz tests, built through the services."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

import questions as qlib
from app.accounts.models import Person, Unit
from app.banks import service as banks_service
from app.banks.models import Bank
from app.quiz import campaigns as campaign_service
from app.quiz.models import Campaign
from tests.support import factories

# Each question quotes its own evidence and fill-in answers that appear nowhere else, so a scan of
# the pages for them proves the key stayed on the server.
KINDS = ("single_choice", "multiple_choice", "true_false", "fill_blank")


def quiz_bank_file(per_kind: int = 8) -> qlib.Bank:
    """A bank whose every key, evidence sentence and explanation is a unique string."""
    made: list[qlib.Question] = []
    for i in range(per_kind):
        made += [
            qlib.Question(id=f"q-s{i}", kind=qlib.Kind.SINGLE_CHOICE, stem=f"第{i}条单选：粮食产量达到（ ）。",
                          options=(f"{i}1亿斤", f"{i}2亿斤", f"{i}3亿斤", f"{i}4亿斤"), answer=i % 4,
                          evidence=f"单选证据句{i}号粮食产量稳定。", section="一、回顾",
                          explanation=f"单选解析{i}号", difficulty=2, tags=()),
            qlib.Question(id=f"q-m{i}", kind=qlib.Kind.MULTIPLE_CHOICE, stem=f"第{i}条多选：属于本项的是（ ）。",
                          options=(f"甲项{i}", f"乙项{i}", f"丙项{i}", f"丁项{i}"), answer=(0, 2),
                          evidence=f"多选证据句{i}号列举各项。", section="一、回顾",
                          explanation=f"多选解析{i}号", difficulty=2, tags=()),
            qlib.Question(id=f"q-t{i}", kind=qlib.Kind.TRUE_FALSE, stem=f"第{i}条判断：这一说法符合报告。",
                          options=(), answer=i % 2 == 0, evidence=f"判断证据句{i}号原文如此。",
                          section="二、今年", explanation=f"判断解析{i}号", difficulty=1, tags=()),
            qlib.Question(id=f"q-f{i}", kind=qlib.Kind.FILL_BLANK, stem=f"第{i}条填空：要坚持（ ）。",
                          options=(), answer=(f"密钥词{i}号",), evidence=f"填空证据句{i}号要坚持密钥词{i}号。",
                          section="二、今年", explanation=f"填空解析{i}号", difficulty=2, tags=()),
        ]
    return qlib.Bank(
        title="测验题库",
        source=qlib.Source(title="测验报告", sha256="0" * 64, chars=100),
        generator=qlib.GeneratorInfo(name="tests", version="0", seed=0),
        questions=made,
    )


REPORT_TEXT = "2026年政府工作报告\n一、回顾\n过去一年粮食产量稳定。\n二、今年\n今年要坚持稳中求进。\n"


@pytest.fixture
def quiz_bank(session: Session) -> Bank:
    report = banks_service.create_report(session, title="测验报告", text=REPORT_TEXT)
    return banks_service.import_bank(session, bank_file=quiz_bank_file(), report=report)


@pytest.fixture
def county(session: Session) -> Unit:
    return factories.unit(session, "示范县/城关镇/党政办")


@pytest.fixture
def employee(session: Session, county: Unit) -> Person:
    return factories.person(session, county, name="张建国", phone="13800001001")


MakeCampaign = Callable[..., Campaign]


@pytest.fixture
def make_campaign(session: Session, quiz_bank: Bank) -> MakeCampaign:
    """A published campaign over the quiz bank; keyword arguments override the settings."""

    def make(publish: bool = True, **overrides: Any) -> Campaign:
        options: dict[str, Any] = {
            "title": "测一测：测试活动",
            "draw_rule": {"single_choice": 3, "multiple_choice": 2, "true_false": 2, "fill_blank": 1},
        }
        options.update(overrides)
        campaign = campaign_service.create_campaign(session, bank=quiz_bank, **options)
        if publish:
            campaign_service.publish_campaign(session, campaign)
        return campaign

    return make
