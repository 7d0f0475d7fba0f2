"""Spreadsheet exports: XLSX (four sheets, streamed by app.reports.xlsx) and CSV (UTF-8 with BOM).

Every text cell passes through `safe_cell`: a cell starting with = + - @ (or a tab / carriage return)
would be run as a formula by Excel or WPS, so it is prefixed with an apostrophe.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from app.accounts.models import Unit
from app.core.timeutil import format_local
from app.quiz.models import Campaign
from app.reports import people as people_service
from app.reports import service, xlsx
from app.reports.items import ItemStats, item_analysis

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Progress = Callable[[int, int, str], None]

UNIT_HEADER = ["单位", "应参与人数", "已参与人数", "参与率", "未参与人数", "已学习人数", "平均分", "最高分", "最低分",
               "及格人数", "及格率"]
PEOPLE_HEADER = ["单位", "姓名", "手机号", "职务", "答题次数", "计分成绩", "是否及格", "答题方式", "交卷时间",
                 "用时（分钟）", "学习时长（分钟）", "备注"]
# Shown to the organiser beside a counted result handed in faster than anyone can read the questions.
FAST_NOTE = "交卷过快（每题不足3秒），请核实是否本人作答"
MISSING_HEADER = ["单位", "姓名", "手机号", "职务"]
ITEM_HEADER = ["题型", "题目", "作答人数", "答对人数", "正确率", "区分度", "选项分布（原题选项顺序）", "提示"]
SHEETS = {"units": "单位汇总", "people": "人员明细", "missing": "未参与名单", "items": "题目分析"}


def safe_cell(value: Any) -> Any:
    """A value that a spreadsheet shows as text and never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- rows, shared by both formats -------------------------------------------------------------------

def unit_rows(summary: service.Summary) -> Iterator[list[Any]]:
    """单位汇总: every unit of the view in tree order (with its subtree's figures), then the total."""
    base_depth = summary.root.depth + 1 if summary.root else 0
    for row in service.flatten(summary.top):
        f = row.total
        indent = "　" * max(row.unit.depth - base_depth, 0)
        yield [indent + row.unit.name, f.roster, f.participants, f.rate, f.missing, f.studied, _round(f.average),
               f.highest, f.lowest, f.passed, f.pass_rate]
    t = summary.total
    yield ["合计", t.roster, t.participants, t.rate, t.missing, t.studied, _round(t.average), t.highest, t.lowest,
           t.passed, t.pass_rate]


def person_rows(session: Session, campaign: Campaign, within: Unit | None) -> Iterator[list[Any]]:
    """人员明细: every active person of the view with their counted result."""
    for r in people_service.person_rows(session, campaign, within=within):
        yield [r.unit_name, r.name, r.phone or "", r.title or "", r.attempts, r.score,
               "" if r.passed is None else ("是" if r.passed else "否"),
               "" if not r.took_part else ("纸质" if r.paper else "在线"),
               format_local(r.submitted_at) if r.submitted_at else "",
               None if r.duration_seconds is None else round(r.duration_seconds / 60, 1),
               round(r.study_seconds / 60, 1), FAST_NOTE if r.flagged_fast else ""]


def missing_rows(session: Session, campaign: Campaign, within: Unit | None) -> Iterator[list[Any]]:
    """未参与名单: who the liaison still has to chase, with phone numbers."""
    for unit_name, name, phone, title in people_service.non_participant_rows(session, campaign, within=within):
        yield [unit_name, name, phone or "", title or ""]


def item_rows(items: Iterable[ItemStats]) -> Iterator[list[Any]]:
    """题目分析: one line per question shown."""
    for it in items:
        spread = "；".join(f"{o.label}{'（正确）' if o.is_key else ''} {o.count}" for o in it.options)
        yield [it.kind_label, it.stem, it.shown, it.correct, it.correct_rate,
               None if it.discrimination is None else round(it.discrimination, 2), spread, "；".join(it.flags)]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# --- XLSX -------------------------------------------------------------------------------------------

UNIT_SHEET = xlsx.Sheet(SHEETS["units"], UNIT_HEADER, [28, 11, 11, 9, 11, 11, 9, 9, 9, 10, 9],
                        percent=frozenset({3, 10}))
PEOPLE_SHEET = xlsx.Sheet(SHEETS["people"], PEOPLE_HEADER, [28, 10, 14, 10, 9, 9, 9, 9, 17, 11, 13, 36])
MISSING_SHEET = xlsx.Sheet(SHEETS["missing"], MISSING_HEADER, [32, 10, 14, 12])
ITEM_SHEET = xlsx.Sheet(SHEETS["items"], ITEM_HEADER, [8, 60, 9, 9, 9, 9, 36, 24], percent=frozenset({4}),
                        wrap=frozenset({1}))
PROGRESS_EVERY = 2000  # rows between progress reports


def write_xlsx(session: Session, campaign: Campaign, target: IO[bytes] | Path, *, within: Unit | None = None,
               progress: Progress | None = None) -> None:
    """The four-sheet workbook, streamed row by row; `progress(done, total, stage)` counts rows written."""
    report = progress or (lambda done, total, stage: None)
    report(0, 1, "正在汇总各单位数据")
    summary = service.summarise(session, campaign, within=within)
    units = list(unit_rows(summary))
    # Everyone of the view is one line of 人员明细 and the ones who have not taken part one more of 未参与名单;
    # self-declared people who took part are not on the roster, so the count is an estimate, capped below.
    total = len(units) + summary.total.roster + summary.total.missing + 1
    done = 0

    def counted(rows: Iterable[list[Any]], stage: str) -> Iterator[list[Any]]:
        nonlocal done
        report(min(done, total - 1), total, stage)
        for row in rows:
            done += 1
            if done % PROGRESS_EVERY == 0:
                report(min(done, total - 1), total, stage)
            yield [safe_cell(value) for value in row]

    book = xlsx.Workbook(target)
    try:
        book.write_sheet(UNIT_SHEET, counted(units, "正在写单位汇总"))
        book.write_sheet(PEOPLE_SHEET, counted(person_rows(session, campaign, within), "正在写人员明细"))
        book.write_sheet(MISSING_SHEET, counted(missing_rows(session, campaign, within), "正在写未参与名单"))
        report(min(done, total - 1), total, "正在分析题目")
        book.write_sheet(ITEM_SHEET, counted(item_rows(item_analysis(session, campaign, within=within)),
                                             "正在分析题目"))
    finally:
        book.close()
    report(total, total, "完成")


# --- CSV --------------------------------------------------------------------------------------------

def csv_rows(session: Session, campaign: Campaign, sheet: str, within: Unit | None) -> tuple[list[str],
                                                                                            Iterable[list[Any]]]:
    """The header and rows of one sheet, for CSV."""
    if sheet == "units":
        return UNIT_HEADER, unit_rows(service.summarise(session, campaign, within=within))
    if sheet == "people":
        return PEOPLE_HEADER, person_rows(session, campaign, within)
    if sheet == "missing":
        return MISSING_HEADER, missing_rows(session, campaign, within)
    if sheet == "items":
        return ITEM_HEADER, item_rows(item_analysis(session, campaign, within=within))
    raise KeyError(sheet)


def stream_csv(header: list[str], rows: Iterable[list[Any]], *, chunk_rows: int = 500) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel opens it as Chinese), yielded in chunks as rows are read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(v) for v in row])
        if count % chunk_rows == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _csv_value(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return "" if value is None else safe_cell(value)
