"""Spreadsheet exports: XLSX (four sheets, write-only so large rosters stream) and CSV (UTF-8 with BOM).

Every text cell passes through `safe_cell`: a cell starting with = + - @ (or a tab / carriage return)
would be run as a formula by Excel or WPS, so it is prefixed with an apostrophe.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.orm import Session

from app.accounts.models import Unit
from app.core.timeutil import format_local
from app.quiz.models import Campaign
from app.reports import people as people_service
from app.reports import service
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
    for person, unit in people_service.non_participants(session, campaign, within=within):
        yield [unit.full_name, person.name, person.phone or "", person.title or ""]


def item_rows(items: Iterable[ItemStats]) -> Iterator[list[Any]]:
    """题目分析: one line per question shown."""
    for it in items:
        spread = "；".join(f"{o.label}{'（正确）' if o.is_key else ''} {o.count}" for o in it.options)
        yield [it.kind_label, it.stem, it.shown, it.correct, it.correct_rate,
               None if it.discrimination is None else round(it.discrimination, 2), spread, "；".join(it.flags)]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# --- XLSX -------------------------------------------------------------------------------------------

def write_xlsx(session: Session, campaign: Campaign, target: IO[bytes] | Path, *, within: Unit | None = None,
               progress: Progress | None = None) -> None:
    """The four-sheet workbook, written row by row (openpyxl write-only mode)."""
    report = progress or (lambda done, total, stage: None)
    wb = Workbook(write_only=True)
    report(0, 4, "正在汇总各单位数据")
    summary = service.summarise(session, campaign, within=within)
    _sheet(wb, SHEETS["units"], UNIT_HEADER, unit_rows(summary), widths=[28, 11, 11, 9, 11, 11, 9, 9, 9, 10, 9],
           percent={3, 10})
    report(1, 4, "正在写人员明细")
    _sheet(wb, SHEETS["people"], PEOPLE_HEADER, person_rows(session, campaign, within),
           widths=[28, 10, 14, 10, 9, 9, 9, 9, 17, 11, 13, 36])
    report(2, 4, "正在写未参与名单")
    _sheet(wb, SHEETS["missing"], MISSING_HEADER, missing_rows(session, campaign, within), widths=[32, 10, 14, 12])
    report(3, 4, "正在分析题目")
    _sheet(wb, SHEETS["items"], ITEM_HEADER, item_rows(item_analysis(session, campaign, within=within)),
           widths=[8, 60, 9, 9, 9, 9, 36, 24], percent={4}, wrap={1})
    wb.save(target)
    report(4, 4, "完成")


def _sheet(wb: Workbook, title: str, header: list[str], rows: Iterable[list[Any]], *, widths: list[int],
           percent: set[int] | None = None, wrap: set[int] | None = None) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet(title)
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width  # type: ignore[attr-defined]
    ws.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F3F4F6")
    head = []
    for text in header:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = bold, fill
        head.append(cell)
    ws.append(head)
    percent, wrap = percent or set(), wrap or set()
    wrapped = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        out: list[Any] = []
        for index, value in enumerate(row):
            value = safe_cell(value)
            if index in percent and value is not None:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "0.0%"
                out.append(cell)
            elif index in wrap:
                cell = WriteOnlyCell(ws, value=value)
                cell.alignment = wrapped
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)


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
