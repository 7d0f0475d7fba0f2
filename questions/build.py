"""Turning one extracted fact into one question of a chosen kind, with its evidence and explanation."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from questions.bank import Answer, Question
from questions.distractors import number_options, pick_outsiders, pick_terms
from questions.extract.enums import Enumeration
from questions.extract.lists import ListFact
from questions.extract.numbers import NumberFact
from questions.extract.terms import NoteFact, NoteItems, TermFact, bare_term
from questions.kinds import Kind
from questions.sentences import Sent, clause_bounds, strip_marker
from questions.structure import PREFACE
from questions.text import quoted

BLANK = "（ ）"
_NOTE_MARK = re.compile(r"［\d{1,3}］|\[\d{1,3}\]")
Fact = NumberFact | TermFact | ListFact | NoteFact | NoteItems


@dataclass
class Context:
    """What every builder needs from the whole document."""

    title_ref: str
    text: str
    number_slots: set[str] = field(default_factory=set)
    terms: list[str] = field(default_factory=list)
    list_items: list[str] = field(default_factory=list)
    notes: list[NoteFact] = field(default_factory=list)
    enums: list[Enumeration] = field(default_factory=list)
    list_tops: dict[str, set[str]] = field(default_factory=dict)

    def near_items(self, sent: Sent) -> set[str]:
        """Items of 顿号 lists in the same top-level part as the sentence: the preferred outsiders."""
        return {item for item, tops in self.list_tops.items() if sent.top in tops}


@dataclass
class Draft:
    """A built question with what the pipeline checks need to know about it."""

    question: Question
    sent: Sent
    slot: tuple[int, int]
    members: tuple[str, ...] = ()
    number: NumberFact | None = None
    filled: tuple[str, ...] = ()
    # The true statement a true/false question is about, and what a term cloze shows around its blank.
    claim: str = ""
    context: str | None = None


def lead(ctx: Context, sent: Sent) -> str:
    """How a stem opens: the report, and the part of it the fact comes from."""
    part = strip_marker(sent.top)
    if sent.top in ("", PREFACE) or not part or len(part) > 24:
        return f"{ctx.title_ref}指出，"
    return f"{ctx.title_ref}在{quoted(part)}部分指出，"


def _question(
    kind: Kind,
    stem: str,
    options: tuple[str, ...],
    answer: Answer,
    sent: Sent,
    explanation: str,
    difficulty: int,
    tags: tuple[str, ...],
) -> Question:
    return Question(
        id="",
        kind=kind,
        stem=stem,
        options=options,
        answer=answer,
        evidence=sent.text,
        section=sent.section,
        explanation=explanation,
        difficulty=difficulty,
        tags=tags,
    )


def _explain(sent: Sent, extra: str = "") -> str:
    return f"【原文】{sent.text}" + (f"\n【说明】{extra}" if extra else "")


def _excerpt(sent: Sent, start: int, end: int, replacement: str, *, whole: bool = False) -> tuple[str, str]:
    """(excerpt with the slot replaced, excerpt as written) for the clause around the slot.

    A statement to judge (whole=True) runs to the end of the sentence when that stays short, so it
    reads as a complete claim rather than a fragment.
    """
    left, right = clause_bounds(sent.text, start, end)
    text = sent.text
    if whole and len(text) - left <= 60:
        right = len(text.rstrip("。！？；：:，,"))
    before, after = _NOTE_MARK.sub("", text[left:start]), _NOTE_MARK.sub("", text[end:right])
    return before + replacement + after, text[left:right]


def _tf(
    ctx: Context,
    sent: Sent,
    span: tuple[int, int],
    wrong: str | None,
    tags: tuple[str, ...],
    rng: random.Random,
    note: str = "",
) -> Draft | None:
    start, end = span
    true_statement, _ = _excerpt(sent, start, end, sent.text[start:end], whole=True)
    if wrong is None:
        stem = f"{lead(ctx, sent)}{true_statement}。"
        question = _question(Kind.TRUE_FALSE, stem, (), True, sent, _explain(sent), 1, tags)
        return Draft(question, sent, span, claim=true_statement)
    false_statement, _ = _excerpt(sent, start, end, wrong, whole=True)
    if false_statement in ctx.text:
        return None
    stem = f"{lead(ctx, sent)}{false_statement}。"
    why = f"原文为{quoted(sent.text[start:end])}，不是{quoted(wrong)}。{note}"
    question = _question(Kind.TRUE_FALSE, stem, (), False, sent, _explain(sent, why), 2, tags)
    return Draft(question, sent, span, filled=(false_statement,), claim=true_statement)


def build_number(
    ctx: Context,
    fact: NumberFact,
    kind: Kind,
    rng: random.Random,
    *,
    truth: bool,
    limits: tuple[float | None, float | None] = (None, None),
) -> Draft | None:
    """Number cloze (single choice), number fill-in, or a statement with the number kept or changed.

    A bound (超过5%, 5%以内) is not asked as a choice: its distractors must all lie on one side of the
    key, which would make the key always the smallest (or largest) option.
    """
    sent, span = fact.sent, (fact.start, fact.end)
    if kind is Kind.SINGLE_CHOICE and fact.bound:
        return None
    tags = ("number", "target") if sent.target else ("number",)
    if kind is Kind.FILL_BLANK:
        if fact.chinese:
            return None
        num_start = fact.start + len(fact.pre)
        num_end = num_start + len(fact.num)
        stem_part, _ = _excerpt(sent, num_start, num_end, BLANK)
        answer = (fact.num, fact.num + fact.scale + fact.mid + fact.unit)
        question = _question(
            Kind.FILL_BLANK, f"{lead(ctx, sent)}{stem_part}。", (), answer, sent, _explain(sent), 3, tags
        )
        return Draft(question, sent, span, number=fact)
    options = number_options(fact, rng, forbidden=ctx.number_slots | _slots_in(sent), limits=limits)
    if options is None:
        return None
    if kind is Kind.TRUE_FALSE:
        wrong = None if truth else rng.choice([o for o in options if o != fact.slot])
        draft = _tf(ctx, sent, span, wrong, tags, rng)
        if draft is not None:
            draft.number = fact
        return draft
    stem_part, _ = _excerpt(sent, fact.start, fact.end, BLANK)
    question = _question(
        Kind.SINGLE_CHOICE,
        f"{lead(ctx, sent)}{stem_part}。",
        tuple(options),
        options.index(fact.slot),
        sent,
        _explain(sent),
        2,
        tags,
    )
    filled = tuple(_excerpt(sent, fact.start, fact.end, o)[0] for o in options if o != fact.slot)
    return Draft(question, sent, span, number=fact, filled=filled)


def _slots_in(sent: Sent) -> set[str]:
    from questions.extract.numbers import find_numbers

    return {f.slot for f in find_numbers(sent)}


def build_term(ctx: Context, fact: TermFact, kind: Kind, rng: random.Random, *, truth: bool) -> Draft | None:
    """Term cloze (single choice), term fill-in, or a statement with the term kept or swapped."""
    sent, span, term = fact.sent, (fact.start, fact.end), fact.term
    tags = ("slogan",) if fact.numbered else ("term",)
    _, written = _excerpt(sent, fact.start, fact.end, term)
    # A term that occurs twice would show the answer, or swap one of two (能耗“双拥”向…“双控”转变).
    if (written.count(term) > 1 and not (kind is Kind.TRUE_FALSE and truth)) or len(written) > 70:
        return None  # the stem would show the answer elsewhere, or be too long to read on a phone
    stem_part, _ = _excerpt(sent, fact.start, fact.end, BLANK)
    if kind is Kind.FILL_BLANK:
        question = _question(
            Kind.FILL_BLANK, f"{lead(ctx, sent)}{stem_part}。", (), (term,), sent, _explain(sent), 2, tags
        )
        return Draft(question, sent, span, context=stem_part.replace(BLANK, ""))
    others = pick_terms(term, ctx.terms, rng, avoid=sent.text, count=3 if kind is Kind.SINGLE_CHOICE else 1)
    if kind is Kind.TRUE_FALSE:
        if not truth and not others:
            return None
        draft = _tf(ctx, sent, span, None if truth else others[0], tags, rng)
        if draft is not None:
            draft.context = draft.claim.replace(term, "", 1)
        return draft
    if len(others) < 3:
        return None
    options = [term, *others]
    rng.shuffle(options)
    question = _question(
        Kind.SINGLE_CHOICE,
        f"{lead(ctx, sent)}{stem_part}。",
        tuple(options),
        options.index(term),
        sent,
        _explain(sent),
        2,
        tags,
    )
    filled = tuple(_excerpt(sent, fact.start, fact.end, o)[0] for o in others)
    return Draft(question, sent, span, filled=filled, context=stem_part.replace(BLANK, ""))


def build_list(ctx: Context, fact: ListFact, kind: Kind, rng: random.Random, *, truth: bool) -> Draft | None:
    """Which items belong to an enumeration (multiple choice), or a statement with one item swapped."""
    sent, span, members = fact.sent, (fact.start, fact.end), fact.items
    pool = [i for i in ctx.list_items if i not in members]
    if kind is Kind.TRUE_FALSE:
        if truth:
            return _tf(ctx, sent, span, None, ("list",), rng)
        outsider = pick_outsiders(members, pool, rng, avoid=sent.text, count=1, near=ctx.near_items(sent))
        if not outsider:
            return None
        index = rng.randrange(len(members))
        a, b = fact.spans[index]
        swapped = sent.text[fact.start : a] + outsider[0] + sent.text[b : fact.end]
        return _tf(ctx, sent, span, swapped, ("list",), rng, note="")
    if kind is not Kind.MULTIPLE_CHOICE:
        return None
    shown = sorted(rng.sample(members, min(len(members), rng.choice((2, 3, 3, 4)))), key=members.index)
    near = ctx.near_items(sent)
    outsiders = pick_outsiders(members, pool, rng, avoid=sent.text, count=max(1, 4 - len(shown)), near=near)
    if len(outsiders) < max(1, 4 - len(shown)):
        return None
    options = [*shown, *outsiders]
    rng.shuffle(options)
    stem_part, _ = _excerpt(sent, fact.start, fact.end, BLANK)
    stem = f"{lead(ctx, sent)}{stem_part}。"
    answer = tuple(sorted(options.index(m) for m in shown))
    question = _question(
        Kind.MULTIPLE_CHOICE,
        stem,
        tuple(options),
        answer,
        sent,
        _explain(sent, f"原文列举了：{'、'.join(members)}。"),
        2,
        ("list",),
    )
    return Draft(question, sent, span, members=members)


def build_note(ctx: Context, fact: NoteFact, kind: Kind, rng: random.Random, *, truth: bool) -> Draft | None:
    """What a glossary term means (single choice) or which term a definition explains (fill-in)."""
    sent, term = fact.sent, bare_term(fact.term)
    start = sent.text.find(fact.definition)
    span = (start, start + len(fact.definition))
    if kind is Kind.FILL_BLANK:
        if len(fact.definition) > 60:
            return None
        stem = f"{ctx.title_ref}的名词注释中，（ ）是指：{fact.definition}。"
        question = _question(Kind.FILL_BLANK, stem, (), (term,), sent, _explain(sent), 2, ("definition",))
        return Draft(question, sent, span)
    if kind is not Kind.SINGLE_CHOICE or len(fact.definition) > 45:
        return None
    others = [
        n.definition
        for n in ctx.notes
        if n.term != fact.term and len(n.definition) <= 45 and n.definition not in sent.text
    ]
    others.sort(key=lambda d: abs(len(d) - len(fact.definition)))
    others = others[:6]
    if len(others) < 3:
        return None
    options = [fact.definition, *rng.sample(others, 3)]
    rng.shuffle(options)
    stem = f"{ctx.title_ref}的名词注释中，{quoted(term)}是指（ ）。"
    question = _question(
        Kind.SINGLE_CHOICE,
        stem,
        tuple(options),
        options.index(fact.definition),
        sent,
        _explain(sent),
        1,
        ("definition",),
    )
    return Draft(question, sent, span)


def build_note_item(ctx: Context, fact: NoteItems, kind: Kind, rng: random.Random) -> Draft | None:
    """One item of a glossary list left blank (“四库”是指：水库、粮库、（ ）、碳库); the others pin its place."""
    note = fact.note
    if kind is not Kind.FILL_BLANK:
        return None
    index = rng.randrange(len(note.items))
    shown = "、".join(BLANK if i == index else item for i, item in enumerate(note.items))
    stem = f"{ctx.title_ref}的名词注释中，{quoted(bare_term(note.term))}是指：{shown}。"
    start = note.sent.text.find(note.definition)
    span = (start, start + len(note.definition))
    answer = (note.items[index],)
    question = _question(Kind.FILL_BLANK, stem, (), answer, note.sent, _explain(note.sent), 2, ("definition", "list"))
    return Draft(question, note.sent, span)
