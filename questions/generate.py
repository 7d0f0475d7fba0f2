"""From report text to a verified bank: extract facts, build questions, check each, balance and cover."""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from questions.bank import Bank, GeneratorInfo, Question, Source
from questions.build import (
    Context,
    Draft,
    Fact,
    build_list,
    build_note,
    build_note_item,
    build_number,
    build_term,
)
from questions.build_facts import build_change, build_enum, build_match, build_pair, build_record
from questions.checks import pipeline_problems, reveals
from questions.errors import ReportFileError
from questions.extract.changes import ChangeFact, find_changes
from questions.extract.enums import Enumeration, MatchFact, find_enumerations
from questions.extract.lists import ListFact, find_lists
from questions.extract.numbers import find_numbers
from questions.extract.pairs import PairFact, find_pairs
from questions.extract.records import RecordFact, find_records
from questions.extract.terms import NoteFact, NoteItems, TermFact, find_note, find_terms, note_items
from questions.kinds import KIND_LABELS, Kind
from questions.sentences import Sent, askable, iter_sentences
from questions.structure import Document, parse_document
from questions.text import normalise_text
from questions.validate import (
    DROP_BALANCE,
    DROP_LIMIT,
    DROP_NO_DISTRACTORS,
    DROP_REVEALED,
    evidence_problems,
    validate_question,
)

GENERATOR = "ceyice"
VERSION = "0.1.0"
Progress = Callable[[int, int, str], None]

# The mix a quiz writer aims for; each fact gets the eligible kind furthest below its share.
_MIX = {Kind.SINGLE_CHOICE: 0.40, Kind.TRUE_FALSE: 0.27, Kind.FILL_BLANK: 0.18, Kind.MULTIPLE_CHOICE: 0.15}
_PER_SENTENCE = 2


@dataclass
class GenerationStats:
    """What a run produced and dropped, for the CLI summary and the admin page."""

    chars: int = 0
    sentences: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_section: dict[str, int] = field(default_factory=dict)
    drops: dict[str, int] = field(default_factory=dict)
    uncovered: list[str] = field(default_factory=list)
    true_share: float | None = None

    @property
    def total(self) -> int:
        """Number of questions in the bank."""
        return sum(self.by_kind.values())

    def summary(self) -> str:
        """A few lines in Chinese: counts by kind and section, drops by reason."""
        per_k = self.total * 1000 / self.chars if self.chars else 0.0
        lines = [f"共生成 {self.total} 题（正文 {self.chars} 字，每千字 {per_k:.1f} 题）。"]
        lines.append("题型：" + "，".join(f"{KIND_LABELS[Kind(k)]} {n}" for k, n in self.by_kind.items()))
        if self.true_share is not None:
            lines.append(f"判断题中答案为“正确”的占 {self.true_share:.0%}。")
        lines.append("各部分：")
        lines.extend(f"  {name or '（无标题）'}：{n} 题" for name, n in self.by_section.items())
        if self.uncovered:
            lines.append("未覆盖（该部分没有可出题的事实）：" + "；".join(self.uncovered))
        if self.drops:
            lines.append("剔除：" + "，".join(f"{reason} {n}" for reason, n in sorted(self.drops.items())))
        return "\n".join(lines)


@dataclass
class GenerationResult:
    """The bank and the statistics of the run that made it."""

    bank: Bank
    stats: GenerationStats


def _title(document: Document, text: str) -> str:
    title = document.title
    header = " ".join(document.header)
    year = re.search(r"(\d{4})年\d{1,2}月", header)
    place = re.search(r"在(\S{2,12}?(?:省|市|自治区|自治州|县|区))第", header)
    if title.endswith("政府工作报告") and title == "政府工作报告":
        prefix = (year.group(1) + "年" if year else "") + (place.group(1) if place else "")
        return prefix + title
    # Only a report delivered to a congress (各位代表) may be called a 政府工作报告 when untitled.
    if not title and "政府工作" in text and "各位代表" in text:
        years = [int(y) for s in document.sections if s.level == 1 for y in re.findall(r"(\d{4})年", s.heading)]
        return f"{max(years)}年政府工作报告" if years else "政府工作报告"
    return title


def title_reference(title: str) -> str:
    """How stems name the report: 2024年《政府工作报告》, 《title》, or just 报告 if unknown."""
    if not title:
        return "报告"
    match = re.fullmatch(r"(.*?)政府工作报告", title)
    if match:
        return f"{match.group(1)}《政府工作报告》"
    return title if "《" in title else f"《{title}》"


AnyFact = Fact | ChangeFact | PairFact | RecordFact | Enumeration | MatchFact


def _facts(sent: Sent) -> list[AnyFact]:
    note = find_note(sent)
    if note is not None:
        items = note_items(note)
        return [note, items] if items is not None else [note]
    changes = find_changes(sent)
    # A value of a from→to fact is asked with the other value as its limit, never on its own.
    taken = {(f.start, f.end) for c in changes for f in (c.old, c.new)}
    numbers = [n for n in find_numbers(sent) if (n.start, n.end) not in taken]
    return [*find_lists(sent), *find_terms(sent), *numbers, *changes, *find_pairs(sent), *find_records(sent)]


_NEGATIVE = re.compile(r"(?:反对|防止|纠治|整治|杜绝|遏制|不搞|避免|打击|摒弃|破除|治理)[^，。；]{0,4}“$")


def _negative(fact: TermFact) -> bool:
    """A term the report rejects (反对“台独”, 不搞“一刀切”) is a jarring stand-in for a good one."""
    return _NEGATIVE.search(fact.sent.text[: fact.start]) is not None


def _kind_order(fact: AnyFact, counts: Counter[Kind], rng: random.Random) -> list[Kind]:
    if isinstance(fact, NoteFact):
        eligible = [Kind.SINGLE_CHOICE, Kind.FILL_BLANK]
    elif isinstance(fact, NoteItems):
        eligible = [Kind.FILL_BLANK]
    elif isinstance(fact, ListFact):
        eligible = [Kind.MULTIPLE_CHOICE, Kind.TRUE_FALSE]
    elif isinstance(fact, Enumeration):
        eligible = [Kind.MULTIPLE_CHOICE, Kind.SINGLE_CHOICE]
    elif isinstance(fact, MatchFact):
        eligible = [Kind.SINGLE_CHOICE]
    elif isinstance(fact, PairFact):
        eligible = [Kind.SINGLE_CHOICE, Kind.TRUE_FALSE]
    elif isinstance(fact, RecordFact):
        eligible = [Kind.TRUE_FALSE, Kind.FILL_BLANK]
    else:
        eligible = [Kind.SINGLE_CHOICE, Kind.TRUE_FALSE, Kind.FILL_BLANK]
    total = sum(counts.values()) + 1
    return sorted(eligible, key=lambda k: counts[k] / total - _MIX[k] + rng.random() * 0.05)


def _build(ctx: Context, fact: AnyFact, kind: Kind, rng: random.Random, truth: bool) -> Draft | None:
    if isinstance(fact, Enumeration):
        return build_enum(ctx, fact, kind, rng)
    if isinstance(fact, MatchFact):
        return build_match(ctx, fact, kind, rng)
    if isinstance(fact, ChangeFact):
        return build_change(ctx, fact, kind, rng, truth=truth)
    if isinstance(fact, PairFact):
        return build_pair(ctx, fact, kind, rng, truth=truth)
    if isinstance(fact, RecordFact):
        return build_record(ctx, fact, kind, rng, truth=truth)
    if isinstance(fact, NoteFact):
        return build_note(ctx, fact, kind, rng, truth=truth)
    if isinstance(fact, NoteItems):
        return build_note_item(ctx, fact, kind, rng)
    if isinstance(fact, ListFact):
        return build_list(ctx, fact, kind, rng, truth=truth)
    if isinstance(fact, TermFact):
        return build_term(ctx, fact, kind, rng, truth=truth)
    return build_number(ctx, fact, kind, rng, truth=truth)


def _question_id(q: Question) -> str:
    payload = "\n".join([q.kind, q.stem, "|".join(q.options), repr(q.answer), q.evidence])
    return "q-" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def generate(
    text: str,
    *,
    title: str | None = None,
    seed: int = 0,
    max_questions: int | None = None,
    progress: Progress | None = None,
) -> GenerationResult:
    """Generate a verified question bank from report text (raw or normalised)."""
    rng = random.Random(seed)  # noqa: S311 - shuffles quiz options, not secrets
    report = progress or (lambda done, total, label: None)
    normalised = normalise_text(text)
    if not normalised.strip():
        raise ReportFileError("报告中没有可用的文字，请检查上传的文件。")
    document = parse_document(normalised)
    bank_title = title or _title(document, normalised)
    sents = list(iter_sentences(document))
    stats = GenerationStats(chars=len(normalised), sentences=len(sents))
    report(0, len(sents), "分析报告结构")
    ctx = Context(title_ref=title_reference(bank_title), text=normalised)
    per_sentence: list[tuple[Sent, list[AnyFact]]] = []
    for index, sent in enumerate(sents):
        facts = _facts(sent) if askable(sent) else []
        per_sentence.append((sent, facts))
        ctx.number_slots.update(f.slot for f in find_numbers(sent))
        for fact in facts:
            if isinstance(fact, TermFact) and fact.term not in ctx.terms and not _negative(fact):
                ctx.terms.append(fact.term)
            elif isinstance(fact, ListFact):
                ctx.list_items.extend(fact.items)
                for item in fact.items:
                    ctx.list_tops.setdefault(item, set()).add(sent.top)
            elif isinstance(fact, NoteFact):
                ctx.notes.append(fact)
        if index % 200 == 0:
            report(index, len(sents), "抽取事实")
    ctx.enums = find_enumerations(document, sents)
    anchored = {id(sent): facts for sent, facts in per_sentence}
    for enum in ctx.enums:
        # A long list is worth two questions: which items it holds, and which one it does not.
        anchored[id(enum.sent)][:0] = [enum] * (2 if len(enum.items) >= 5 else 1)
        if enum.tails:
            anchored[id(enum.sent)].insert(0, MatchFact(enum))
    drafts = _draft_all(ctx, per_sentence, rng, stats, report)
    drafts = _balance_true_false(drafts, rng, stats)
    drafts = _limit(drafts, max_questions, stats)
    questions = [replace(d.question, id=_question_id(d.question)) for d in sorted(drafts, key=_order)]
    _fill_stats(stats, drafts, per_sentence)
    report(len(sents), len(sents), "完成")
    source = Source(
        title=bank_title or "未命名报告",
        sha256=hashlib.sha256(normalised.encode()).hexdigest(),
        chars=len(normalised),
    )
    bank = Bank(
        title=bank_title or "未命名报告",
        source=source,
        generator=GeneratorInfo(GENERATOR, VERSION, seed),
        questions=questions,
    )
    return GenerationResult(bank=bank, stats=stats)


def _order(draft: Draft) -> tuple[int, int]:
    return draft.sent.order, draft.slot[0]


def _draft_all(
    ctx: Context,
    per_sentence: list[tuple[Sent, list[AnyFact]]],
    rng: random.Random,
    stats: GenerationStats,
    report: Progress,
) -> list[Draft]:
    counts: Counter[Kind] = Counter()
    truths: Counter[bool] = Counter()
    drops: Counter[str] = Counter()
    drafts: list[Draft] = []
    seen: set[str] = set()
    for index, (_, facts) in enumerate(per_sentence):
        made = 0
        made_here: list[Draft] = []
        lists = [f for f in facts if isinstance(f, Enumeration | MatchFact)]
        # Facts of a rarer shape (from→to, 分别, records) come before the plain numbers and terms they contain.
        ordered = lists + sorted(
            (f for f in facts if not isinstance(f, Enumeration | MatchFact)),
            key=lambda f: (not isinstance(f, ChangeFact | PairFact | RecordFact), rng.random()),
        )
        for fact in ordered:
            if made >= _PER_SENTENCE + len(lists):
                break
            built = False
            for kind in _kind_order(fact, counts, rng):
                truth = truths[True] < truths[False] or (truths[True] == truths[False] and rng.random() < 0.5)
                draft = _build(ctx, fact, kind, rng, truth)
                if draft is None:
                    continue
                problems = validate_question(draft.question) or evidence_problems(draft.question, ctx.text)
                reasons = [p for p in pipeline_problems(draft, ctx, seen)] if not problems else []
                if not problems and reveals(draft, made_here):
                    reasons.append(DROP_REVEALED)
                if problems or reasons:
                    drops[reasons[0] if reasons else _reason(problems[0])] += 1
                    continue
                seen.add(_near_key(draft))
                drafts.append(draft)
                made_here.append(draft)
                counts[kind] += 1
                if kind is Kind.TRUE_FALSE:
                    truths[bool(draft.question.answer)] += 1
                made += 1
                built = True
                break
            if not built:
                drops[DROP_NO_DISTRACTORS] += 1
        if index % 200 == 0:
            report(index, len(per_sentence), "生成并校验题目")
    stats.drops.update(drops)
    return drafts


def _near_key(draft: Draft) -> str:
    from questions.checks import near_key

    return near_key(draft)


def _reason(problem: str) -> str:
    from questions.checks import reason_for

    return reason_for(problem)


def _balance_true_false(drafts: list[Draft], rng: random.Random, stats: GenerationStats) -> list[Draft]:
    tf = [d for d in drafts if d.question.kind is Kind.TRUE_FALSE]
    trues = [d for d in tf if d.question.answer is True]
    falses = [d for d in tf if d.question.answer is False]
    dropped: set[int] = set()
    # Drop from the majority until the share of “正确” lies within 40–60%.
    while trues and falses and not 0.4 <= len(trues) / (len(trues) + len(falses)) <= 0.6:
        majority = trues if len(trues) > len(falses) else falses
        dropped.add(id(majority.pop(rng.randrange(len(majority)))))
    if len(tf) == 1 or (tf and (not trues or not falses)):
        dropped.update(id(d) for d in tf)
    if dropped:
        stats.drops[DROP_BALANCE] = stats.drops.get(DROP_BALANCE, 0) + len(dropped)
    return [d for d in drafts if id(d) not in dropped]


def _limit(drafts: list[Draft], max_questions: int | None, stats: GenerationStats) -> list[Draft]:
    if max_questions is None or len(drafts) <= max_questions:
        return drafts
    by_top: dict[str, list[Draft]] = {}
    for draft in sorted(drafts, key=_order):
        by_top.setdefault(draft.sent.top, []).append(draft)
    # Round-robin over top-level sections so a short bank still covers the whole report.
    kept: list[Draft] = []
    queues = list(by_top.values())
    while len(kept) < max_questions:
        for queue in queues:
            if queue and len(kept) < max_questions:
                kept.append(queue.pop(0))
    stats.drops[DROP_LIMIT] = len(drafts) - len(kept)
    return kept


def _fill_stats(stats: GenerationStats, drafts: list[Draft], per_sentence: list[tuple[Sent, list[AnyFact]]]) -> None:
    kinds = Counter(d.question.kind for d in drafts)
    stats.by_kind = {str(k): kinds[k] for k in Kind if kinds[k]}
    tops: dict[str, int] = {}
    for sent, _ in per_sentence:
        tops.setdefault(sent.top, 0)
    for draft in drafts:
        tops[draft.sent.top] += 1
    stats.by_section = tops
    with_facts = {sent.top for sent, facts in per_sentence if facts}
    stats.uncovered = [t for t, n in tops.items() if n == 0 and t in with_facts]
    tf = [d for d in drafts if d.question.kind is Kind.TRUE_FALSE]
    stats.true_share = sum(1 for d in tf if d.question.answer is True) / len(tf) if tf else None
