"""A reviewer's preview of a bank: Markdown or an Excel sheet, one question per block or row."""

from __future__ import annotations

from pathlib import Path

from questions.bank import Bank, Question
from questions.kinds import KIND_LABELS, Kind

_LETTERS = "ABCDEFGH"


def answer_text(q: Question) -> str:
    """The key as a reviewer reads it: letters, 正确/错误, or the accepted strings."""
    if q.kind is Kind.SINGLE_CHOICE and isinstance(q.answer, int):
        return _LETTERS[q.answer]
    if q.kind is Kind.MULTIPLE_CHOICE and isinstance(q.answer, tuple):
        return "".join(_LETTERS[a] for a in q.answer if isinstance(a, int))
    if q.kind is Kind.TRUE_FALSE:
        return "正确" if q.answer is True else "错误"
    return " / ".join(str(a) for a in q.answer) if isinstance(q.answer, tuple) else str(q.answer)


def to_markdown(bank: Bank) -> str:
    """Markdown with each question, its options, key, section and evidence."""
    lines = [f"# {bank.title}（{len(bank.questions)} 题）", ""]
    for number, q in enumerate(bank.questions, start=1):
        lines.append(f"## {number}. 【{KIND_LABELS[q.kind]}】{q.stem}")
        lines.extend(f"- {_LETTERS[i]}. {o}" for i, o in enumerate(q.options))
        lines += [
            "",
            f"**答案**：{answer_text(q)}　**难度**：{q.difficulty}　**部分**：{q.section}",
            "",
            f"> {q.evidence}",
            "",
            f"`{q.id}`",
            "",
        ]
    return "\n".join(lines)


def write_preview(bank: Bank, path: Path) -> None:
    """Write the preview; the format follows the suffix (.md or .xlsx)."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "题库预览"
        sheet.append(["序号", "题型", "题干", "选项", "答案", "难度", "部分", "原文依据", "编号"])
        for number, q in enumerate(bank.questions, start=1):
            options = "\n".join(f"{_LETTERS[i]}. {o}" for i, o in enumerate(q.options))
            sheet.append(
                [
                    number,
                    KIND_LABELS[q.kind],
                    q.stem,
                    options,
                    answer_text(q),
                    q.difficulty,
                    q.section,
                    q.evidence,
                    q.id,
                ]
            )
        book.save(path)
    else:
        path.write_text(to_markdown(bank), encoding="utf-8")
