"""Question banks as Excel sheets: the downloadable template, export, and reading an upload back.

One row per question. Options go in 选项A–选项F; the answer is written the way people write it on
paper (B, ACD, 正确, 1244|一千二百四十四), so colleagues used to other quiz systems can fill it in.
"""

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

import questions as qlib
from app.banks.editing import validate
from app.banks.exceptions import BankFileRejected

LETTERS = "ABCDEF"
HEADERS = ["题型", "题干", *(f"选项{c}" for c in LETTERS), "答案", "解析", "章节", "原文依据", "难度", "编号", "标签"]
SHEET = "题目"
KIND_NAMES: dict[str, qlib.Kind] = {
    "单选题": qlib.Kind.SINGLE_CHOICE, "单选": qlib.Kind.SINGLE_CHOICE,
    "多选题": qlib.Kind.MULTIPLE_CHOICE, "多选": qlib.Kind.MULTIPLE_CHOICE,
    "判断题": qlib.Kind.TRUE_FALSE, "判断": qlib.Kind.TRUE_FALSE,
    "填空题": qlib.Kind.FILL_BLANK, "填空": qlib.Kind.FILL_BLANK,
    **{str(k): k for k in qlib.Kind},
}
TRUE_WORDS = {"正确", "对", "是", "√", "✓", "T", "TRUE", "Y"}
FALSE_WORDS = {"错误", "错", "否", "×", "✗", "F", "FALSE", "N"}
FILL_SEPARATORS = re.compile(r"[|｜；;]")
INSTRUCTIONS = [
    ("题型", "填写 单选题、多选题、判断题 或 填空题。"),
    ("题干", "题目正文。单选、多选和填空题须含作答位置（ ），例如：城镇新增就业（ ）万人。"),
    ("选项A–选项F", "单选题和多选题填写 2–6 个选项，从选项A开始依次填写，不要跳格；判断题和填空题留空。"),
    ("答案", "单选题填一个字母，如 B；多选题填多个字母，如 ACD；判断题填 正确 或 错误；"
             "填空题填可接受的答案，多个写法用 | 分隔，如 1244|1244万。"),
    ("解析", "选填。答题后展示给答题人。"),
    ("章节", "选填。报告中的部分，如 一、2025年工作回顾。"),
    ("原文依据", "选填。报告中的原句；填写后系统会核对答案确实出自这句话。"),
    ("难度", "选填。1（易）、2（中）、3（难），默认 2。"),
    ("编号", "选填。导出的题库带有编号，重新导入时保持不变；新题留空即可。"),
    ("标签", "选填。多个标签用逗号分隔，如 number,list。"),
    ("注意", "第一行是表头，请勿修改；从第二行起每行一道题。任何一行有误时整个文件都不会导入，"
             "页面会列出每一行的问题。"),
]
_HEADER_FILL = PatternFill("solid", fgColor="B3261E")


@dataclass(frozen=True)
class SheetRow:
    """A question read from a spreadsheet row, with the row number people see in Excel."""

    row: int
    question: qlib.Question


def _workbook(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    for row in rows:
        ws.append(row)
    widths = {"A": 10, "B": 60, "J": 14, "K": 30, "L": 22, "M": 50, "N": 8, "O": 16, "P": 12}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for col in "CDEFGHI":
        ws.column_dimensions[col].width = 18
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "怎么填"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for name, text in INSTRUCTIONS:
        notes.append([name, text])
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_xlsx() -> bytes:
    """An empty sheet with the header row, two example rows and an instruction sheet."""
    return _workbook([
        ["单选题", "2024年政府工作报告指出，2023年城镇新增就业（ ）。", "1044万人", "1144万人", "1244万人",
         "1344万人", "", "", "C", "", "一、2023年工作回顾", "城镇新增就业1244万人，年末城镇调查失业率为5.1%。", 2, ""],
        ["判断题", "2024年政府工作报告指出，2023年年末城镇调查失业率为5.1%。", "", "", "", "", "", "", "正确", "",
         "一、2023年工作回顾", "城镇新增就业1244万人，年末城镇调查失业率为5.1%。", 1, ""],
    ])


def _answer_text(q: qlib.Question) -> str:
    if q.kind is qlib.Kind.SINGLE_CHOICE and isinstance(q.answer, int):
        return LETTERS[q.answer] if q.answer < len(LETTERS) else str(q.answer)
    if q.kind is qlib.Kind.MULTIPLE_CHOICE and isinstance(q.answer, tuple):
        return "".join(LETTERS[int(a)] for a in q.answer)
    if q.kind is qlib.Kind.TRUE_FALSE:
        return "正确" if q.answer is True else "错误"
    return "|".join(str(a) for a in q.answer) if isinstance(q.answer, tuple) else str(q.answer)


def export_xlsx(bank: qlib.Bank) -> bytes:
    """A bank as a sheet in the template's layout (re-importable as it is)."""
    rows: list[list[object]] = []
    for q in bank.questions:
        options = [*q.options, *[""] * (len(LETTERS) - len(q.options))][: len(LETTERS)]
        rows.append([qlib.KIND_LABELS[q.kind], q.stem, *options, _answer_text(q), q.explanation, q.section,
                     q.evidence, q.difficulty, q.id, ",".join(q.tags)])
    return _workbook(rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_answer(kind: qlib.Kind, text: str, n_options: int) -> int | bool | tuple[int, ...] | tuple[str, ...] | str:
    """The answer in the library's shape, or a Chinese problem (a str: no kind's answer is a bare str)."""
    compact = re.sub(r"[\s,，、;；]", "", text).upper()
    if kind in (qlib.Kind.SINGLE_CHOICE, qlib.Kind.MULTIPLE_CHOICE):
        if not compact or any(c not in LETTERS for c in compact):
            return "答案须填写选项字母（如 B 或 ACD）。"
        indexes = sorted({LETTERS.index(c) for c in compact})
        if any(i >= n_options for i in indexes):
            return f"答案“{text}”对应的选项没有填写。"
        if kind is qlib.Kind.SINGLE_CHOICE:
            return indexes[0] if len(indexes) == 1 else "单选题只能有一个答案字母。"
        return tuple(indexes)
    if kind is qlib.Kind.TRUE_FALSE:
        if compact in TRUE_WORDS:
            return True
        if compact in FALSE_WORDS:
            return False
        return "判断题答案须填写“正确”或“错误”。"
    accepted = tuple(a.strip() for a in FILL_SEPARATORS.split(text) if a.strip())
    return accepted or "填空题须填写答案。"


def read_xlsx(data: bytes) -> list[SheetRow]:
    """Questions from an uploaded sheet; every bad row is reported at once (BankFileRejected)."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise BankFileRejected(["无法读取这个 Excel 文件，请使用下载的模板另存为 .xlsx 后上传。"]) from exc
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise BankFileRejected(["表格是空的。"])
    header = [_cell(v) for v in rows[0]]
    columns = {name: header.index(name) for name in HEADERS if name in header}
    missing = [name for name in ("题型", "题干", "答案") if name not in columns]
    if missing:
        raise BankFileRejected([f"第 1 行表头缺少“{'”“'.join(missing)}”列，请使用下载的模板。"])
    found: list[SheetRow] = []
    problems: list[tuple[int, str]] = []
    for number, values in enumerate(rows[1:], start=2):
        cells = [_cell(v) for v in values]

        def get(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index] if index is not None and index < len(cells) else ""

        if not any(cells):
            continue
        result = _read_row(get)
        if isinstance(result, str):
            problems.append((number, result))
        else:
            # Checked here too, so one upload reports every bad row, not only the unreadable ones.
            problems += [(number, p) for p in validate(result, None)]
            found.append(SheetRow(number, result))
    if problems:
        raise BankFileRejected([f"第 {n} 行：{p}" for n, p in sorted(problems, key=lambda item: item[0])])
    if not found:
        raise BankFileRejected(["表格中没有题目：请从第 2 行起每行填写一道题。"])
    return found


def _read_row(get: Callable[[str], str]) -> qlib.Question | str:
    kind = KIND_NAMES.get(get("题型"))
    if kind is None:
        return f"题型“{get('题型')}”无法识别，请填写 单选题、多选题、判断题 或 填空题。"
    stem = get("题干")
    if not stem:
        return "题干为空。"
    options = [get(f"选项{c}") for c in LETTERS]
    while options and not options[-1]:
        options.pop()
    if "" in options:
        return "选项中间有空格，请从选项A开始依次填写。"
    answer = _parse_answer(kind, get("答案"), len(options))
    if isinstance(answer, str):
        return answer
    difficulty_text = get("难度") or "2"
    if difficulty_text not in {"1", "2", "3"}:
        return "难度须为 1、2 或 3。"
    fields = (str(kind), stem, *options, get("答案"))
    uid = get("编号") or "q-" + hashlib.sha256("|".join(fields).encode()).hexdigest()[:12]
    return qlib.Question(id=uid, kind=kind, stem=stem, options=tuple(options),
                         answer=answer,
                         evidence=get("原文依据"), section=get("章节"), explanation=get("解析"),
                         difficulty=int(difficulty_text),
                         tags=tuple(t.strip() for t in re.split(r"[,，、]", get("标签")) if t.strip()))

