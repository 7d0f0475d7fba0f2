"""The streaming XLSX writer, read back with openpyxl: values, types, styles and layout survive."""

import io

import pytest
from openpyxl import load_workbook

from app.reports import xlsx


def test_column_letters_go_past_z() -> None:
    assert [xlsx.column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_values_come_back_with_their_types() -> None:
    buffer = io.BytesIO()
    book = xlsx.Workbook(buffer)
    sheet = xlsx.Sheet("人员明细", ["单位", "分数", "比例", "备注"], [20, 8, 8, 30], percent=frozenset({2}),
                       wrap=frozenset({3}))
    rows = [
        ["　办公室", 95, 0.8125, "第一行\n第二行"],
        ["<乙局> & 丙校", 82.5, None, "a\rb"],
        ["控制\x01字符\x1f", True, 1.0, "  两端空格  "],
        [None, -3, 0, ""],
    ]
    assert book.write_sheet(sheet, rows) == 4
    book.write_sheet(xlsx.Sheet("空表", ["甲"], [10]), [])
    book.close()

    loaded = load_workbook(io.BytesIO(buffer.getvalue()))
    assert loaded.sheetnames == ["人员明细", "空表"]
    ws = loaded["人员明细"]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0] == ["单位", "分数", "比例", "备注"]
    assert values[1] == ["　办公室", 95, 0.8125, "第一行\n第二行"]
    assert values[2] == ["<乙局> & 丙校", 82.5, None, "a\rb"]
    assert values[3] == ["控制字符", True, 1, "  两端空格  "]
    assert values[4][:3] == [None, -3, 0]
    assert isinstance(values[1][1], int) and isinstance(values[2][1], float)
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFF3F4F6"
    assert ws["C2"].number_format == "0.0%" and ws["B2"].number_format == "General"
    assert ws["D2"].alignment.wrap_text
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == pytest.approx(20)
    assert [list(r) for r in loaded["空表"].iter_rows(values_only=True)] == [["甲"]]


def test_a_sheet_streams_many_rows() -> None:
    buffer = io.BytesIO()
    book = xlsx.Workbook(buffer)
    count = 3 * xlsx.ROWS_PER_WRITE + 7
    book.write_sheet(xlsx.Sheet("多行", ["编号", "姓名"], [8, 10]), ([i, f"人员{i}"] for i in range(count)))
    book.close()
    ws = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)["多行"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == count and rows[-1] == (count - 1, f"人员{count - 1}")
