"""The `bank generate` command: writes a bank and a preview, exits 2 with a Chinese message on bad input."""

from pathlib import Path

from click.testing import CliRunner

from questions import load_bank
from questions.cli import bank

REPORT = """2024年政府工作报告
一、2023年工作回顾
国内生产总值超过126万亿元，增长5.2%。城镇新增就业1244万人，年末城镇调查失业率为5.1%。
扎实做好“六稳”、“六保”工作。加强铁路、公路、航空、海运、港口等运输保障。“放管服”改革取得新进展。
"""


def test_generate_writes_bank_and_markdown_preview(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text(REPORT, encoding="gbk")
    out, preview = tmp_path / "bank.json", tmp_path / "preview.md"
    result = CliRunner().invoke(bank, ["generate", str(source), "-o", str(out), "--preview", str(preview)])
    assert result.exit_code == 0, result.output
    assert "共生成" in result.output
    assert load_bank(out.read_text("utf-8")).questions
    assert "**答案**" in preview.read_text("utf-8")


def test_generate_writes_xlsx_preview(tmp_path: Path) -> None:
    source = tmp_path / "report.md"
    source.write_text(REPORT, encoding="utf-8")
    preview = tmp_path / "preview.xlsx"
    args = ["generate", str(source), "-o", str(tmp_path / "b.json"), "--preview", str(preview), "--max", "3"]
    result = CliRunner().invoke(bank, args)
    assert result.exit_code == 0, result.output
    assert preview.read_bytes()[:2] == b"PK"


def test_bad_file_exits_2_with_chinese_message(tmp_path: Path) -> None:
    source = tmp_path / "empty.txt"
    source.write_bytes(b"")
    result = CliRunner().invoke(bank, ["generate", str(source), "-o", str(tmp_path / "b.json")])
    assert result.exit_code == 2
    assert "文件是空的" in result.output
