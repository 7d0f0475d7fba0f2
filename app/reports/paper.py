"""Paper quizzes (一个都不能少): print a unit's paper, then record each person's answers as an attempt.

A unit's paper is drawn by the campaign's rule from a seed fixed by campaign and unit, so the paper
printed today and the form used to enter its answers next week show the same questions and option
order (as long as the bank is unchanged: the printed 试卷编号 lets the liaison check). Recorded answers
are graded by `app.quiz.service.record_paper_attempt` like any online attempt, marked 纸质
(source=paper), and count.
"""

import hashlib
import random
from collections.abc import Mapping, Sequence
from typing import IO, Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from fpdf import FPDF
from sqlalchemy.orm import Session

import questions as qlib
from app.accounts.models import Unit
from app.quiz import scoring
from app.quiz.models import Campaign
from app.reports.exceptions import PaperEntryInvalid, PaperUnavailable
from app.reports.fonts import find_cjk_font

LETTERS = "ABCDEFGH"


def paper_rng(campaign: Campaign, unit: Unit) -> random.Random:
    """The random source of a unit's paper: the same every time for the same campaign and unit."""
    return random.Random(f"ceyice-paper:{campaign.id}:{unit.id}")  # noqa: S311  (reproducible, not secret)


def draw_paper(session: Session, campaign: Campaign, unit: Unit) -> list[dict[str, Any]]:
    """The unit's paper: a snapshot drawn by the campaign's rule."""
    return scoring.draw_snapshot(session, campaign, paper_rng(campaign, unit))


def paper_code(snapshot: Sequence[Mapping[str, Any]]) -> str:
    """A short fingerprint of the questions and option orders, printed on the paper."""
    digest = hashlib.sha256(repr([(i["uid"], i.get("option_map")) for i in snapshot]).encode()).hexdigest()
    return digest[:6].upper()


def kind_label(kind: str) -> str:
    """单选题, 多选题, … for a kind name."""
    return str(qlib.KIND_LABELS.get(qlib.Kind(kind), kind))


# --- printing ---------------------------------------------------------------------------------------

def _lines(campaign: Campaign, unit: Unit, snapshot: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """The paper as (style, text) lines shared by DOCX and PDF: heading, note, question, option."""
    total = len(snapshot)
    out = [("title", campaign.title), ("center", f"纸质答卷 · {unit.full_name} · 试卷编号 {paper_code(snapshot)}"),
           ("note", f"共 {total} 题，满分 {campaign.points_total} 分。请在答题卡上填写答案：选择题写选项字母，"
                    "判断题写“对”或“错”，填空题写出答案。"),
           ("note", "姓名：__________　　手机号：________________　　单位：________________")]
    kind = None
    for item in snapshot:
        if item["kind"] != kind:
            kind = item["kind"]
            out.append(("heading", f"{kind_label(kind)}（每题 {float(item['points']):g} 分）"))
        out.append(("question", f"{item['position'] + 1}. {item['stem']}"))
        for index, text in enumerate(item.get("options") or []):
            out.append(("option", f"{LETTERS[index]}. {text}"))
        if item["kind"] == "true_false":
            out.append(("option", "（　）对　　（　）错"))
    return out


def _sheet_rows(snapshot: Sequence[Mapping[str, Any]], per_row: int = 5) -> list[list[str]]:
    numbers = [str(item["position"] + 1) for item in snapshot]
    return [numbers[i: i + per_row] for i in range(0, len(numbers), per_row)]


def write_paper_docx(campaign: Campaign, unit: Unit, snapshot: Sequence[Mapping[str, Any]],
                     target: IO[bytes]) -> None:
    """The paper as an editable Word file: questions, then an answer sheet to fill in."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "宋体", Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    for style, text in _lines(campaign, unit, snapshot):
        p = doc.add_paragraph()
        run = p.add_run(text)
        if style == "title":
            p.alignment, run.bold, run.font.size = WD_ALIGN_PARAGRAPH.CENTER, True, Pt(18)
        elif style == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif style == "heading":
            run.bold = True
        elif style == "option":
            p.paragraph_format.left_indent = Pt(24)
    doc.add_page_break()  # type: ignore[no-untyped-call]
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head = title.add_run(f"答题卡 · 试卷编号 {paper_code(snapshot)}")
    head.bold, head.font.size = True, Pt(16)
    doc.add_paragraph("姓名：__________　　手机号：________________　　单位：________________")
    for numbers in _sheet_rows(snapshot):
        table = doc.add_table(rows=2, cols=len(numbers))
        table.style = "Table Grid"
        for cell, number in zip(table.rows[0].cells, numbers, strict=True):
            cell.text = f"第{number}题"
        for cell in table.rows[1].cells:
            cell.text = "\n"
        doc.add_paragraph()
    doc.save(target)


def pdf_available() -> bool:
    """Whether a CJK font is installed, which a PDF paper needs."""
    return find_cjk_font() is not None


def write_paper_pdf(campaign: Campaign, unit: Unit, snapshot: Sequence[Mapping[str, Any]],
                    target: IO[bytes]) -> None:
    """The paper as a PDF in the installed CJK font; refused with a clear message when there is none."""
    font = find_cjk_font()
    if font is None:
        raise PaperUnavailable()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("cjk", fname=str(font.path), collection_font_number=font.index)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    sizes = {"title": 17, "center": 11, "note": 11, "heading": 13, "question": 12, "option": 12}
    for style, text in _lines(campaign, unit, snapshot):
        pdf.set_font("cjk", size=sizes[style])
        if style in ("title", "center"):
            pdf.multi_cell(width, 9 if style == "title" else 7, text, align="C", new_x="LMARGIN", new_y="NEXT")
        else:
            if style in ("heading", "question"):
                pdf.ln(2)
            pdf.set_x(pdf.l_margin + (8 if style == "option" else 0))
            pdf.multi_cell(width - (8 if style == "option" else 0), 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(width, 10, f"答题卡 · 试卷编号 {paper_code(snapshot)}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(width, 8, "姓名：__________　　手机号：________________　　单位：________________",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for numbers in _sheet_rows(snapshot):
        cell = width / 5
        for number in numbers:
            pdf.cell(cell, 8, f"第{number}题", border=1, align="C")
        pdf.ln()
        for _ in numbers:
            pdf.cell(cell, 14, "", border=1)
        pdf.ln(18)
    target.write(bytes(pdf.output()))


# --- recording --------------------------------------------------------------------------------------

def parse_responses(snapshot: Sequence[Mapping[str, Any]], form: Mapping[str, list[str]]) -> dict[int, object]:
    """Responses by position from the entry form (q<position> fields, in shown option indexes)."""
    responses: dict[int, object] = {}
    for item in snapshot:
        position = int(item["position"])
        values = [v.strip() for v in form.get(f"q{position}", []) if v.strip()]
        if not values:
            continue
        kind, count = item["kind"], len(item.get("options") or [])
        try:
            if kind == "single_choice":
                responses[position] = _option_index(values[0], count)
            elif kind == "multiple_choice":
                responses[position] = sorted({_option_index(v, count) for v in values})
            elif kind == "true_false":
                responses[position] = {"true": True, "false": False}[values[0]]
            else:
                responses[position] = values[0][:200]
        except (KeyError, ValueError) as exc:
            raise PaperEntryInvalid(f"第{position + 1}题的答案无法识别，请重新选择。") from exc
    return responses


def _option_index(value: str, count: int) -> int:
    index = int(value)
    if not 0 <= index < count:
        raise ValueError(value)
    return index
