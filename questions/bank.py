"""The `ceyice.bank/1` file: questions, their source and generator, as byte-stable JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from questions.errors import BankFormatError
from questions.kinds import KIND_LABELS, Kind

FORMAT = "ceyice.bank/1"

Answer = int | tuple[int, ...] | bool | tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """One question as stored in a bank; `answer` is shaped by `kind` (see DESIGN.md)."""

    id: str
    kind: Kind
    stem: str
    options: tuple[str, ...]
    answer: Answer
    evidence: str
    section: str
    explanation: str
    difficulty: int
    tags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record with the keys in the documented order."""
        answer: Any = self.answer
        if self.kind is Kind.MULTIPLE_CHOICE and isinstance(self.answer, tuple):
            answer = sorted(int(a) for a in self.answer)
        elif self.kind is Kind.FILL_BLANK and isinstance(self.answer, tuple):
            answer = list(self.answer)
        return {
            "id": self.id,
            "kind": str(self.kind),
            "stem": self.stem,
            "options": list(self.options),
            "answer": answer,
            "evidence": self.evidence,
            "section": self.section,
            "explanation": self.explanation,
            "difficulty": self.difficulty,
            "tags": list(self.tags),
        }

    @classmethod
    def from_dict(cls, data: object) -> Question:
        """Question from a JSON record; raises BankFormatError saying which field is wrong."""
        if not isinstance(data, dict):
            raise BankFormatError("题目记录必须是 JSON 对象，请检查题库文件。")
        where = f"题目 {data.get('id', '（无编号）')}"
        ident = _text(data, "id", where)
        where = f"题目 {ident}"
        try:
            kind = Kind(str(data.get("kind")))
        except ValueError:
            allowed = "、".join(f"{k.value}（{KIND_LABELS[k]}）" for k in Kind)
            raise BankFormatError(f"{where}：题型 kind 必须是 {allowed} 之一。") from None
        options = data.get("options", [])
        if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
            raise BankFormatError(f"{where}：options 必须是字符串列表。")
        difficulty = data.get("difficulty", 2)
        if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 3:
            raise BankFormatError(f"{where}：难度 difficulty 必须是 1 到 3 的整数。")
        tags = data.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise BankFormatError(f"{where}：tags 必须是字符串列表。")
        return cls(
            id=ident,
            kind=kind,
            stem=_text(data, "stem", where),
            options=tuple(options),
            answer=_answer(kind, data.get("answer"), where),
            evidence=_text(data, "evidence", where, required=False),
            section=_text(data, "section", where, required=False),
            explanation=_text(data, "explanation", where, required=False),
            difficulty=difficulty,
            tags=tuple(tags),
        )


def _text(data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise BankFormatError(f"{where}：字段 {key} 必须是非空字符串。")
    return value


def _answer(kind: Kind, value: object, where: str) -> Answer:
    if kind is Kind.SINGLE_CHOICE:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BankFormatError(f"{where}：单选题的 answer 必须是选项序号（从 0 开始的整数）。")
        return value
    if kind is Kind.MULTIPLE_CHOICE:
        if (
            not isinstance(value, list)
            or not value
            or any(isinstance(v, bool) or not isinstance(v, int) for v in value)
        ):
            raise BankFormatError(f"{where}：多选题的 answer 必须是选项序号的非空列表。")
        return tuple(sorted(set(value)))
    if kind is Kind.TRUE_FALSE:
        if not isinstance(value, bool):
            raise BankFormatError(f"{where}：判断题的 answer 必须是 true 或 false。")
        return value
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise BankFormatError(f"{where}：填空题的 answer 必须是可接受答案（非空字符串）的列表。")
    return tuple(value)


@dataclass(frozen=True)
class Source:
    """The report a bank was generated from; sha256 is over the normalised text."""

    title: str
    sha256: str
    chars: int


@dataclass(frozen=True)
class GeneratorInfo:
    """Which generator, version and seed produced a bank."""

    name: str
    version: str
    seed: int | None


@dataclass
class Bank:
    """A titled list of questions with where they came from."""

    title: str
    source: Source
    generator: GeneratorInfo
    questions: list[Question] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready bank in the documented key order."""
        return {
            "format": FORMAT,
            "title": self.title,
            "source": {"title": self.source.title, "sha256": self.source.sha256, "chars": self.source.chars},
            "generator": {
                "name": self.generator.name,
                "version": self.generator.version,
                "seed": self.generator.seed,
            },
            "questions": [q.to_dict() for q in self.questions],
        }


def dump_bank(bank: Bank) -> str:
    """Bank as JSON text: UTF-8 characters kept, indent 2, trailing newline; same bank, same bytes."""
    return json.dumps(bank.to_dict(), ensure_ascii=False, indent=2) + "\n"


def load_bank(text: str) -> Bank:
    """Parse a `ceyice.bank/1` JSON text; raises BankFormatError with what to fix."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, TypeError) as exc:
        raise BankFormatError(f"题库文件不是有效的 JSON（{exc}），请检查文件内容。") from None
    if not isinstance(data, dict):
        raise BankFormatError("题库文件最外层必须是 JSON 对象。")
    if data.get("format") != FORMAT:
        raise BankFormatError(f"题库格式必须是 {FORMAT}（format 字段），当前为 {data.get('format')!r}。")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise BankFormatError("题库缺少标题 title。")
    source = data.get("source")
    if (
        not isinstance(source, dict)
        or not isinstance(source.get("title"), str)
        or not isinstance(source.get("sha256"), str)
        or isinstance(source.get("chars"), bool)
        or not isinstance(source.get("chars"), int)
    ):
        raise BankFormatError("题库的 source 必须包含 title（字符串）、sha256（字符串）和 chars（整数）。")
    generator = data.get("generator")
    seed = generator.get("seed") if isinstance(generator, dict) else None
    if (
        not isinstance(generator, dict)
        or not isinstance(generator.get("name"), str)
        or not isinstance(generator.get("version"), str)
        or (seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)))
    ):
        raise BankFormatError("题库的 generator 必须包含 name、version（字符串）和 seed（整数或 null）。")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list):
        raise BankFormatError("题库的 questions 必须是题目列表。")
    questions = [Question.from_dict(q) for q in raw_questions]
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise BankFormatError(f"题目编号 {question.id} 重复，每道题的 id 必须唯一。")
        seen.add(question.id)
    return Bank(
        title=title,
        source=Source(title=source["title"], sha256=source["sha256"], chars=source["chars"]),
        generator=GeneratorInfo(name=generator["name"], version=generator["version"], seed=seed),
        questions=questions,
    )
