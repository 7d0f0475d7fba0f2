"""Reading the admin forms into domain values, with Chinese messages for what cannot be read."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.datastructures import FormData

import questions as qlib
from app.banks.excel import FILL_SEPARATORS, LETTERS
from app.core.timeutil import format_local, parse_local
from app.quiz.campaigns import KINDS
from app.quiz.models import Campaign, IdentityMode, ScorePolicy, ShowAnswers

KIND_LABELS = {"single_choice": "单选题", "multiple_choice": "多选题", "true_false": "判断题", "fill_blank": "填空题"}
SCORE_POLICY_LABELS = {"best": "取最高分", "last": "取最后一次", "first": "取第一次"}
IDENTITY_LABELS = {"roster": "按名单核对（姓名 + 手机号后 4 位或工号）", "open": "开放填写（自报姓名和单位）"}
SHOW_ANSWERS_LABELS = {"after_submit": "交卷后立即显示", "after_close": "活动结束后显示", "never": "不显示"}
STATUS_LABELS = {"draft": "草稿", "published": "进行中", "closed": "已结束"}


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    # Browsers send textarea line breaks as CRLF; evidence must match the report's LF text exactly.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""


@dataclass
class QuestionForm:
    """The question editor's fields as typed, so a refused form is shown again unchanged."""

    kind: str
    stem: str = ""
    options: list[str] = field(default_factory=lambda: [""] * 4)
    answer_choices: list[int] = field(default_factory=list)
    answer_bool: str = ""
    answer_text: str = ""
    evidence: str = ""
    section: str = ""
    explanation: str = ""
    difficulty: int = 2

    @classmethod
    def from_question(cls, q: qlib.Question) -> "QuestionForm":
        form = cls(kind=str(q.kind), stem=q.stem, options=list(q.options), evidence=q.evidence, section=q.section,
                   explanation=q.explanation, difficulty=q.difficulty)
        if isinstance(q.answer, bool):
            form.answer_bool = "true" if q.answer else "false"
        elif isinstance(q.answer, int):
            form.answer_choices = [q.answer]
        elif q.kind is qlib.Kind.MULTIPLE_CHOICE:
            form.answer_choices = [int(a) for a in q.answer]
        else:
            form.answer_text = " | ".join(str(a) for a in q.answer)
        if form.kind in ("single_choice", "multiple_choice"):
            form.options += [""] * (len(LETTERS) - len(form.options))
        return form

    @classmethod
    def from_form(cls, kind: str, form: FormData) -> "QuestionForm":
        choices = []
        for value in form.getlist("answer"):
            if isinstance(value, str) and value.isdigit():
                choices.append(int(value))
        difficulty = _text(form, "difficulty")
        return cls(kind=kind, stem=_text(form, "stem"),
                   options=[_text(form, f"option_{i}") for i in range(len(LETTERS))],
                   answer_choices=choices, answer_bool=_text(form, "answer_bool"),
                   answer_text=_text(form, "answer_text"), evidence=_text(form, "evidence"),
                   section=_text(form, "section"), explanation=_text(form, "explanation"),
                   difficulty=int(difficulty) if difficulty in {"1", "2", "3"} else 2)

    def to_question(self, uid: str) -> tuple[qlib.Question | None, list[str]]:
        """The library question, or the problems that keep it from being one."""
        kind = qlib.Kind(self.kind)
        options = list(self.options)
        problems: list[str] = []
        answer: Any
        if kind in (qlib.Kind.SINGLE_CHOICE, qlib.Kind.MULTIPLE_CHOICE):
            while options and not options[-1]:
                options.pop()
            if "" in options:
                problems.append("选项中间有空白，请从选项 A 开始依次填写。")
            chosen = sorted({c for c in self.answer_choices if 0 <= c < len(options)})
            if not chosen:
                problems.append("请勾选正确答案。")
            elif kind is qlib.Kind.SINGLE_CHOICE and len(chosen) > 1:
                problems.append("单选题只能有一个正确答案。")
            answer = chosen[0] if kind is qlib.Kind.SINGLE_CHOICE and chosen else tuple(chosen)
        elif kind is qlib.Kind.TRUE_FALSE:
            options = []
            if self.answer_bool not in ("true", "false"):
                problems.append("请选择判断题的答案（正确或错误）。")
            answer = self.answer_bool == "true"
        else:
            options = []
            answer = tuple(a.strip() for a in FILL_SEPARATORS.split(self.answer_text) if a.strip())
            if not answer:
                problems.append("请填写填空题的答案。")
        if problems:
            return None, problems
        return qlib.Question(id=uid, kind=kind, stem=self.stem, options=tuple(options), answer=answer,
                             evidence=self.evidence, section=self.section, explanation=self.explanation,
                             difficulty=self.difficulty, tags=()), []


@dataclass
class CampaignForm:
    """The campaign editor's fields as typed."""

    title: str = ""
    intro: str = ""
    opens_at: str = ""
    closes_at: str = ""
    draw_rule: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    points_total: str = "100"
    pass_mark: str = "60"  # noqa: S105  (a score, not a password)
    time_limit_minutes: str = ""
    max_attempts: str = "1"
    score_policy: str = ScorePolicy.BEST
    identity_mode: str = IdentityMode.ROSTER
    partial_credit: bool = False
    study_minutes: str = "0"
    show_answers: str = ShowAnswers.AFTER_SUBMIT
    root_unit_id: str = ""

    @classmethod
    def from_campaign(cls, c: Campaign) -> "CampaignForm":
        return cls(title=c.title, intro=c.intro, opens_at=format_local(c.opens_at, "%Y-%m-%dT%H:%M")
                   if c.opens_at else "", closes_at=format_local(c.closes_at, "%Y-%m-%dT%H:%M") if c.closes_at else "",
                   draw_rule={k: int(c.draw_rule.get(k, 0) or 0) for k in KINDS}, points_total=str(c.points_total),
                   pass_mark=str(c.pass_mark),
                   time_limit_minutes=str(c.time_limit_seconds // 60) if c.time_limit_seconds else "",
                   max_attempts=str(c.max_attempts), score_policy=str(c.score_policy),
                   identity_mode=str(c.identity_mode), partial_credit=c.partial_credit,
                   study_minutes=str(c.study_seconds_required // 60), show_answers=str(c.show_answers),
                   root_unit_id=str(c.root_unit_id or ""))

    @classmethod
    def from_form(cls, form: FormData) -> "CampaignForm":
        rule = {}
        for kind in KINDS:
            value = _text(form, f"draw_{kind}") or "0"
            rule[kind] = int(value) if value.isdigit() else -1
        return cls(title=_text(form, "title"), intro=_text(form, "intro"), opens_at=_text(form, "opens_at"),
                   closes_at=_text(form, "closes_at"), draw_rule=rule, points_total=_text(form, "points_total"),
                   pass_mark=_text(form, "pass_mark"), time_limit_minutes=_text(form, "time_limit_minutes"),
                   max_attempts=_text(form, "max_attempts"), score_policy=_text(form, "score_policy"),
                   identity_mode=_text(form, "identity_mode"), partial_credit=_text(form, "partial_credit") == "1",
                   study_minutes=_text(form, "study_minutes") or "0", show_answers=_text(form, "show_answers"),
                   root_unit_id=_text(form, "root_unit_id"))

    def values(self) -> tuple[dict[str, Any], list[str]]:
        """Keyword arguments for create/update_campaign, or the problems with the form."""
        problems: list[str] = []

        def number(text: str, label: str, *, optional: bool = False) -> int | None:
            if optional and not text:
                return None
            if not text.isdigit():
                problems.append(f"{label}须填写整数。")
                return None
            return int(text)

        def when(text: str, label: str) -> datetime | None:
            if not text:
                return None
            try:
                return parse_local(text)
            except ValueError:
                problems.append(f"{label}格式不对，请用日期时间选择器填写。")
                return None

        if any(n < 0 for n in self.draw_rule.values()):
            problems.append("抽题数量须为不小于 0 的整数。")
        limit = number(self.time_limit_minutes, "答题时限", optional=True)
        study = number(self.study_minutes, "学习时长")
        choices = {"score_policy": (self.score_policy, ScorePolicy),
                   "identity_mode": (self.identity_mode, IdentityMode),
                   "show_answers": (self.show_answers, ShowAnswers)}
        enums: dict[str, Any] = {}
        for name, (value, enum) in choices.items():
            try:
                enums[name] = enum(value)
            except ValueError:
                problems.append("请从列表中选择计分方式、身份核对方式和答案显示方式。")
                break
        values: dict[str, Any] = {
            "title": self.title, "intro": self.intro,
            "opens_at": when(self.opens_at, "开始时间"), "closes_at": when(self.closes_at, "截止时间"),
            "draw_rule": self.draw_rule,
            "points_total": number(self.points_total, "总分"), "pass_mark": number(self.pass_mark, "及格分"),
            "time_limit_seconds": limit * 60 if limit else None,
            "max_attempts": number(self.max_attempts, "可答次数"),
            "partial_credit": self.partial_credit,
            "study_seconds_required": (study or 0) * 60,
            **enums,
        }
        return values, problems
