"""`ceyice bank generate`: a report file in, a bank JSON (and a reviewer preview) out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from questions.bank import dump_bank
from questions.errors import QuestionsError
from questions.generate import generate
from questions.preview import write_preview
from questions.readers import read_report


@click.group(help="题库：由报告生成题库。")
def bank() -> None:
    """Question-bank commands."""


def _progress(done: int, total: int, label: str) -> None:
    click.echo(f"\r{label} {done}/{total}", nl=False, err=True)
    if done >= total:
        click.echo("", err=True)


@bank.command("generate", help="由报告文件（txt/md/docx/pdf）生成 ceyice.bank/1 题库。")
@click.argument("report", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="输出的题库 JSON 文件。",
)
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子；相同输入和种子产生相同题库。")
@click.option("--title", type=str, default=None, help="报告标题（默认从正文识别）。")
@click.option("--max", "max_questions", type=click.IntRange(min=1), default=None, help="题目数量上限。")
@click.option(
    "--preview",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="预览文件（.md 或 .xlsx），供审核人员阅读。",
)
def generate_command(
    report: Path, output: Path, seed: int, title: str | None, max_questions: int | None, preview: Path | None
) -> None:
    """Generate a bank from a report file."""
    try:
        text = read_report(report.read_bytes(), report.name)
        result = generate(text, title=title, seed=seed, max_questions=max_questions, progress=_progress)
    except QuestionsError as exc:
        click.echo(exc.message, err=True)
        sys.exit(2)
    output.write_text(dump_bank(result.bank), encoding="utf-8")
    if preview is not None:
        write_preview(result.bank, preview)
    click.echo(result.stats.summary())
    click.echo(f"已写入 {output}", err=True)
