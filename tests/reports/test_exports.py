"""Exports opened back with their libraries: formula injection neutralised, CSV readable by Excel."""

import csv
import io

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.reports import exports
from tests.reports import fixture
from tests.support import factories

HOSTILE = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 138", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_safe_cell_neutralises_formula_starts_only() -> None:
    assert [exports.safe_cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert exports.safe_cell("张三") == "张三"
    assert exports.safe_cell(-5) == -5  # numbers stay numbers
    assert exports.safe_cell(None) is None


def test_hostile_names_reach_csv_and_xlsx_as_plain_text(session: Session) -> None:
    campaign = fixture.campaign(session)
    unit = factories.unit(session, "示范县/=cmd|' /C calc'!A0")
    names = HOSTILE[:4]  # the roster strips surrounding whitespace from names; titles keep it here
    for index, name in enumerate(names):
        person = factories.person(session, unit, name=name)
        person.title = HOSTILE[4 + index % 2]
        if index % 2:
            fixture.submit(session, campaign, person, 80, fixture.at("2026-03-01T02:00"))
    session.flush()

    header, rows = exports.csv_rows(session, campaign, "people", None)
    text = b"".join(exports.stream_csv(header, rows)).decode("utf-8")
    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    cells = [cell for row in parsed[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert {row[1] for row in parsed[1:]} == {"'" + v for v in names}
    assert {row[3] for row in parsed[1:]} == {"'\tTAB", "'\rCR"}

    buffer = io.BytesIO()
    exports.write_xlsx(session, campaign, buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert {c.value for c in book["未参与名单"]["B"][1:]} == {"'" + v for v in names[::2]}


def test_xlsx_progress_is_reported_stage_by_stage(session: Session) -> None:
    campaign = fixture.campaign(session)
    seen: list[tuple[int, int, str]] = []
    exports.write_xlsx(session, campaign, io.BytesIO(), progress=lambda d, t, s: seen.append((d, t, s)))
    stages = list(dict.fromkeys(stage for _, _, stage in seen))
    assert stages == ["正在汇总各单位数据", "正在写单位汇总", "正在写人员明细", "正在写未参与名单", "正在分析题目",
                      "完成"]
    done = [d for d, _, _ in seen]
    assert done == sorted(done) and all(d < t for d, t, _ in seen[:-1])
    assert seen[-1][0] == seen[-1][1]
