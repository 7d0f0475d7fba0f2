"""The Word brief (答题简要情况) for the whole campaign or one unit, in the style offices write it.

It states who took part and how many, the highest / lowest / average scores, the units below the
target rate, the questions most got wrong and what to do next; every sentence is ordinary text the
organiser can edit before it goes into their own 简要情况.
"""

import re
from collections.abc import Sequence
from datetime import datetime
from typing import IO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from sqlalchemy.orm import Session

from app.accounts.models import Unit
from app.core.timeutil import local, utc_now
from app.quiz.models import Campaign
from app.quiz.service import MIN_SECONDS_PER_QUESTION
from app.reports import people as people_service
from app.reports import service
from app.reports.items import ItemStats, item_analysis
from app.reports.service import TARGET_RATE, format_rate, format_score

MISSING_LISTED = 200  # beyond this the appendix points to the spreadsheet instead
ORDINALS = "一二三四五六"


def brief_paragraphs(session: Session, campaign: Campaign, *, within: Unit | None = None,
                     target: float = TARGET_RATE, now: datetime | None = None) -> dict[str, list[str]]:
    """The brief's text, section by section (also what the tests read)."""
    summary = service.summarise(session, campaign, within=within)
    t = summary.total
    who = summary.root.name if summary.root else "各单位"
    today = (local(now or utc_now()) or utc_now()).strftime("%Y年%-m月%-d日")
    paper = service.paper_participants(session, campaign, within=within)
    items = item_analysis(session, campaign, within=within)

    window = ""
    if campaign.opens_at and campaign.closes_at:
        window = (f"活动时间为{local(campaign.opens_at).strftime('%-m月%-d日')}至"  # type: ignore[union-attr]
                  f"{local(campaign.closes_at).strftime('%-m月%-d日')}。")  # type: ignore[union-attr]
    overview = [
        f"为扎实做好政府工作报告学习贯彻工作，{who}组织干部职工开展“{campaign.title}”在线学习及答题活动。{window}",
        f"截至{today}，{who}应参与{t.roster}人，实际参与{t.participants}人，参与率{format_rate(t.rate)}"
        + (f"，其中{paper}人通过纸质答卷参与" if paper else "")
        + f"；参加原文学习{t.studied}人。",
    ]
    if t.participants:
        overview.append(
            f"本次答题满分{campaign.points_total}分，最高分{format_score(t.highest)}分，最低分{format_score(t.lowest)}分，"
            f"平均分{format_score(t.average)}分；{campaign.pass_mark}分及格，及格{t.passed}人，及格率{format_rate(t.pass_rate)}。"
        )
    else:
        overview.append("目前还没有人完成答题。")

    units: list[str] = []
    ranked = service.rank(summary.top, by="rate")
    if ranked:
        best = "、".join(f"{r.row.unit.name}（{format_rate(r.value)}）" for r in ranked[:3])
        units.append(f"从各单位情况看，参与率较高的是{best}。")
        below = summary.below_target(target)
        if below:
            listed = "、".join(f"{r.unit.name}（{format_rate(r.total.rate)}，尚有{r.total.missing}人未参与）"
                               for r in below)
            units.append(f"参与率低于{target * 100:.0f}%的单位有{len(below)}个：{listed}。")
        else:
            units.append(f"各单位参与率均达到{target * 100:.0f}%以上。")
        by_average = service.rank(summary.top, by="average")
        if by_average:
            units.append("平均分较高的是" + "、".join(f"{r.row.unit.name}（{format_score(r.value)}分）"
                                                   for r in by_average[:3]) + "。")

    hard = _hardest(items)
    issues = []
    if t.missing:
        issues.append(f"仍有{t.missing}名同志未参与答题，" + (
            "主要集中在" + "、".join(r.unit.name for r in sorted(summary.top, key=lambda r: -r.total.missing)[:3]
                                     if r.total.missing) + "。" if summary.top else "需逐一督促。"))
    if hard:
        issues.append("部分内容掌握还不够扎实，正确率较低的题目有："
                      + "；".join(f"“{_short(it.stem)}”（正确率{format_rate(it.correct_rate)}）" for it in hard) + "。")
    if t.fast:
        issues.append(f"有{t.fast}名同志交卷过快（平均每题用时不足{MIN_SECONDS_PER_QUESTION}秒），"
                      "是否本人认真作答有待所在单位核实。")
    problems = [f"{ORDINALS[n]}是{issue}" for n, issue in enumerate(issues)]
    if not problems:
        problems.append("本次活动参与积极、成绩良好，未发现突出问题。")

    next_steps = [
        f"一是对尚未参与的{t.missing}名同志逐一提醒督促（名单见附表），做到一个都不能少。" if t.missing
        else "一是巩固学习成果，将政府工作报告精神落实到具体工作中。",
        "二是对不会使用智能手机的同志，由单位联络员组织纸质答卷，答完后录入系统，一并计入参与情况。",
        "三是针对正确率较低的内容组织再学习，帮助大家吃透精神、领悟要义，做到学以致用。",
    ]
    return {"title": [f"{who if summary.root else ''}“{campaign.title}”答题简要情况"], "overview": overview,
            "units": units, "problems": problems, "next": next_steps}


def _hardest(items: Sequence[ItemStats], n: int = 3, min_shown: int = 5) -> list[ItemStats]:
    """The least-answered questions, among those enough people saw for the rate to mean something."""
    answered = [it for it in items
                if it.shown >= min_shown and it.correct_rate is not None and it.correct_rate < 0.6]
    return sorted(answered, key=lambda it: (it.correct_rate or 0, it.uid))[:n]


def _short(stem: str, limit: int = 40) -> str:
    # Stems open with "2022年《政府工作报告》在“…”部分指出，": the brief quotes what follows.
    stem = re.sub(r"^.{0,60}?(指出|提出|强调|明确)[，,：:]", "", stem)
    return stem if len(stem) <= limit else stem[: limit - 1] + "…"


def write_brief(session: Session, campaign: Campaign, target_file: IO[bytes], *, within: Unit | None = None,
                target: float = TARGET_RATE) -> None:
    """The brief as a .docx: headings, paragraphs, a table of units and the list of non-participants."""
    text = brief_paragraphs(session, campaign, within=within, target=target)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(text["title"][0])
    run.bold, run.font.size = True, Pt(20)
    for heading, key in (("一、基本情况", "overview"), ("二、各单位情况", "units"), ("三、存在的问题", "problems"),
                         ("四、下一步工作", "next")):
        if not text[key]:
            continue
        h = doc.add_paragraph()
        h_run = h.add_run(heading)
        h_run.bold = True
        for line in text[key]:
            p = doc.add_paragraph(line)
            p.paragraph_format.first_line_indent = Pt(28)

    summary = service.summarise(session, campaign, within=within)
    rows = service.flatten(summary.top)
    if rows:
        doc.add_paragraph().add_run("附表1 各单位参与及成绩情况").bold = True
        table = doc.add_table(rows=1, cols=7)
        table.style = "Table Grid"
        labels = ("单位", "应参与", "已参与", "参与率", "平均分", "最高分", "最低分")
        for cell, label in zip(table.rows[0].cells, labels, strict=True):
            cell.text = label
        for row in rows:
            f = row.total
            values = (row.unit.full_name if summary.root is None else row.unit.name, str(f.roster),
                      str(f.participants), format_rate(f.rate), format_score(f.average), format_score(f.highest),
                      format_score(f.lowest))
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = value
    missing = people_service.non_participants(session, campaign, within=within, limit=MISSING_LISTED + 1)
    if missing:
        doc.add_paragraph().add_run("附表2 未参与人员名单").bold = True
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells, ("单位", "姓名", "手机号"), strict=True):
            cell.text = label
        for person, unit in missing[:MISSING_LISTED]:
            for cell, value in zip(table.add_row().cells, (unit.full_name, person.name, person.phone or ""),
                                   strict=True):
                cell.text = value
        if len(missing) > MISSING_LISTED:
            doc.add_paragraph(f"（名单较长，此处只列出前{MISSING_LISTED}人，完整名单见 Excel 导出的“未参与名单”。）")
    doc.save(target_file)
