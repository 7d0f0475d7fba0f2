"""The roster templates people download and fill in: an Excel sheet with instructions, and a CSV."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from app.accounts.models import Unit
from app.accounts.service import UNIT_SEPARATOR

TEMPLATE_HEADER = ["单位", "姓名", "手机号", "工号", "职务"]
TEMPLATE_ROWS = [
    ["某县/某乡镇/党政办", "张三", "13800000001", "", "主任"],
    ["某县/某乡镇/党政办", "李四", "", "A0002", "干事"],
    ["某县/县财政局", "王五", "13800000003", "", "科员"],
]


def template_rows(within: Unit | None = None) -> list[list[str]]:
    """Example rows; a liaison's show their own unit's path, the part they must write in full."""
    if within is None:
        return TEMPLATE_ROWS
    base = within.full_name
    return [[f"{base}{UNIT_SEPARATOR}党政办", "张三", "13800000001", "", "主任"],
            [f"{base}{UNIT_SEPARATOR}党政办", "李四", "", "A0002", "干事"],
            [base, "王五", "13800000003", "", "科员"]]


def template_xlsx(within: Unit | None = None) -> bytes:
    """The roster template: header row, example rows and an instruction sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "人员名单"
    ws.append(TEMPLATE_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B3261E")
    for example in template_rows(within):
        ws.append(example)
    for col, width in {"A": 36, "B": 12, "C": 16, "D": 12, "E": 14}.items():
        ws.column_dimensions[col].width = width
    # Phone numbers as text: Excel would otherwise show 1.38E+10.
    for cells in ws.iter_rows(min_row=2, max_row=500, min_col=3, max_col=4):
        for cell in cells:
            cell.number_format = "@"
    notes = wb.create_sheet("填写说明")
    for line in (
        ["列", "怎么填"],
        ["单位", "用 / 分隔的完整路径，如 某县/某乡镇/党政办；上级单位会自动建立。"
                 "也可另加一列“上级单位”，本列只写单位名。"],
        ["姓名", "必填。"],
        ["手机号", "11 位手机号。答题时用姓名加手机号后 4 位核对身份。"],
        ["工号", "没有手机号时填写工号；手机号和工号至少填一项。"],
        ["职务", "选填。"],
        ["再次导入", "同一单位、同名且手机号或工号相同的人会被更新，不会重复；名单中没有的人可在导入时选择停用。"],
        *([["联络员", f"只能导入“{within.full_name}”及其下属单位的人员；其他单位的行会被逐行指出，整份名单不会导入。"]]
          if within is not None else []),
    ):
        notes.append(line)
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_csv(within: Unit | None = None) -> bytes:
    """The roster template as CSV with a UTF-8 BOM, so Excel on Windows opens it in Chinese."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADER)
    writer.writerows(template_rows(within))
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
