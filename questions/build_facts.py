"""Questions on enumerations, from→to changes, 分别 pairs and record claims."""

from __future__ import annotations

import os
import random
import re
from dataclasses import replace
from statistics import median

from questions.bank import Question
from questions.build import BLANK, Context, Draft, _excerpt, _explain, _question, _tf, build_number, lead
from questions.extract.changes import ChangeFact
from questions.extract.enums import BULLET, HEADING, PARALLEL, Enumeration, MatchFact
from questions.extract.pairs import PairFact
from questions.extract.records import RecordFact
from questions.kinds import Kind
from questions.sentences import strip_marker
from questions.structure import PREFACE
from questions.text import quoted
from questions.validate import MATCH_TAG, NEGATIVE_TAG, PAIR_TAG


def _where(ctx: Context, enum: Enumeration) -> str:
    part = strip_marker(enum.sent.section) or strip_marker(enum.sent.top)
    if enum.sent.top in ("", PREFACE) or not part or len(part) > 24:
        return ctx.title_ref
    return f"{ctx.title_ref}{quoted(part)}部分"


def _subject(ctx: Context, enum: Enumeration) -> str:
    """How a stem names the list: its headings, its ——items, or its 一是…二是… points."""
    if enum.source == HEADING and enum.label:
        return f"{ctx.title_ref}{quoted(enum.label)}部分的小标题"
    if enum.source == BULLET:
        return f"{_where(ctx, enum)}以“——”分项列举的内容"
    named = re.search("“([^“”]{2,12})”", enum.label)
    if enum.source == PARALLEL and named:
        return f"{_where(ctx, enum)}提出的{quoted(named.group(1))}"
    if enum.label:
        return f"{_where(ctx, enum)}所述{quoted(enum.label)}的内容"
    return f"{_where(ctx, enum)}以“一是、二是……”列举的内容"


def outsiders(ctx: Context, enum: Enumeration, rng: random.Random, count: int) -> list[str]:
    """Items of sibling enumerations: same kind of list in the same part first, of the members' length."""
    size = median(len(i) for i in enum.items)
    ranked: dict[str, int] = {}
    for other in ctx.enums:
        if other is enum:
            continue
        rank = (other.sent.top != enum.sent.top) * 2 + (other.source != enum.source)
        for item in other.items:
            if abs(len(item) - size) > max(3, size / 2) or item in enum.evidence:
                continue
            if any(item in m or m in item for m in enum.items):
                continue
            ranked[item] = min(rank, ranked.get(item, rank))
    # Items that all open alike (聚力…) would give away an outsider that does not (聚焦…).
    prefix = os.path.commonprefix(list(enum.items))  # noqa: RUF071 - characters are meant
    if len(prefix) >= 2:
        ranked = {item: rank for item, rank in ranked.items() if item.startswith(prefix)}
    keyed = sorted(ranked.items(), key=lambda kv: (kv[1], rng.random()))
    return [item for item, _ in keyed[:count]]


def _enum_question(kind: Kind, stem: str, options: list[str], answer: int | tuple[int, ...], enum: Enumeration,
                   tags: tuple[str, ...]) -> Question:  # fmt: skip
    explanation = f"【原文】{enum.evidence}\n【说明】原文列举了：{'；'.join(enum.items)}。"
    return Question("", kind, stem, tuple(options), answer, enum.evidence, enum.sent.section, explanation, 2, tags)


def build_enum(ctx: Context, enum: Enumeration, kind: Kind, rng: random.Random) -> Draft | None:
    """Which items a list holds (multiple choice) or which one it does not hold (single choice)."""
    subject = _subject(ctx, enum)
    slot = (-1, -1)
    if kind is Kind.MULTIPLE_CHOICE:
        shown = rng.sample(enum.items, min(len(enum.items), rng.choice((2, 3, 3))))
        others = outsiders(ctx, enum, rng, 4 - len(shown))
        if len(others) < 4 - len(shown):
            return None
        options = [*shown, *others]
        rng.shuffle(options)
        answer = tuple(sorted(options.index(m) for m in shown))
        stem = f"下列属于{subject}的有（ ）。"
        question = _enum_question(kind, stem, options, answer, enum, ("list",))
        return Draft(question, enum.sent, slot, members=enum.items)
    if kind is not Kind.SINGLE_CHOICE:
        return None
    others = outsiders(ctx, enum, rng, 1)
    if not others:
        return None
    options = [*rng.sample(enum.items, 3), others[0]]
    rng.shuffle(options)
    stem = f"下列不属于{subject}的是（ ）。"
    question = _enum_question(kind, stem, options, options.index(others[0]), enum, ("list", NEGATIVE_TAG))
    return Draft(question, enum.sent, slot, members=enum.items)


def build_match(ctx: Context, fact: MatchFact, kind: Kind, rng: random.Random) -> Draft | None:
    """Which continuation follows an item of a list (聚焦陆海统筹 → 加快再造一个“海上海南”).

    The other options are the continuations of the list's other items, so the question needs no
    sibling list to draw outsiders from, and each option provably belongs to another item.
    """
    enum = fact.enum
    if kind is not Kind.SINGLE_CHOICE or len(enum.tails) != len(enum.items) or len(enum.items) < 4:
        return None
    index = rng.randrange(len(enum.items))
    head, key = enum.items[index], enum.tails[index]
    others = [t for t in enum.tails if t != key]
    others.sort(key=lambda t: (abs(len(t) - len(key)), rng.random()))
    options = [key, *others[:3]]
    rng.shuffle(options)
    stem = f"{_subject(ctx, enum)}中，紧接{quoted(head)}的表述是（ ）。"
    stated = "；".join(f"{i}，{t}" for i, t in zip(enum.items, enum.tails, strict=True))
    explanation = f"【原文】{enum.evidence}\n【说明】原文为：{stated}。"
    question = Question("", kind, stem, tuple(options), options.index(key), enum.evidence, enum.sent.section,
                        explanation, 2, ("list", MATCH_TAG))  # fmt: skip
    return Draft(question, enum.sent, (-1, -1), members=enum.items)


def build_change(ctx: Context, fact: ChangeFact, kind: Kind, rng: random.Random, *, truth: bool) -> Draft | None:
    """Either value of a from→to fact, with every stand-in on the side the verb says."""
    asked = rng.choice((fact.old, fact.new))
    draft = build_number(ctx, asked, kind, rng, truth=truth, limits=fact.limits(asked))
    if draft is not None:
        tags = tuple(dict.fromkeys((*draft.question.tags, "change")))
        draft.question = replace(draft.question, tags=tags)
    return draft


def build_pair(ctx: Context, fact: PairFact, kind: Kind, rng: random.Random, *, truth: bool) -> Draft | None:
    """Which value a 分别 fact states for one item, or a statement with two values swapped."""
    sent, text = fact.sent, fact.sent.text
    span = (fact.subject_start, fact.end)
    if kind is Kind.TRUE_FALSE:
        if truth:
            return _tf(ctx, sent, span, None, ("number", PAIR_TAG), rng)
        i, j = sorted(rng.sample(range(len(fact.values)), 2))
        a, b = fact.values[i], fact.values[j]
        swapped = text[fact.subject_start : a.start] + b.slot + text[a.end : b.start] + a.slot
        note = "原文中两项数值的对应关系与此相反。"
        return _tf(ctx, sent, span, swapped + text[b.end : fact.end], ("number", PAIR_TAG), rng, note=note)
    if kind is not Kind.SINGLE_CHOICE or len(fact.items) < 3:
        return None
    item = rng.choice(fact.items)
    key = fact.value_of(item)
    others = [v.slot for v in fact.values if v.slot != key]
    options = [key, *rng.sample(others, min(3, len(others)))]
    rng.shuffle(options)
    subject = text[fact.subject_start : fact.values[0].start - len(fact.verb) - 2]
    stem = f"{lead(ctx, sent)}{subject}分别{fact.verb}……，其中{quoted(item)}{fact.verb}（ ）。"
    why = "原文按顺序列出：" + "，".join(f"{i}{fact.verb}{fact.value_of(i)}" for i in fact.items) + "。"
    question = _question(Kind.SINGLE_CHOICE, stem, tuple(options), options.index(key), sent,
                         _explain(sent, why), 2, ("number", PAIR_TAG))  # fmt: skip
    return Draft(question, sent, span)


def build_record(ctx: Context, fact: RecordFact, kind: Kind, rng: random.Random, *, truth: bool) -> Draft | None:
    """A record claim kept or demoted (首个 → 第二个), or what the record was (fill-in)."""
    sent = fact.sent
    if kind is Kind.TRUE_FALSE:
        wrong = None if truth else fact.second
        if not truth and wrong is None:
            return None
        return _tf(ctx, sent, (fact.start, fact.end), wrong, ("record",), rng)
    if kind is not Kind.FILL_BLANK or not fact.thing or fact.marker == "首次":
        return None
    start = fact.end
    end = start + len(fact.thing)
    stem_part, written = _excerpt(sent, start, end, BLANK)
    if written.count(fact.thing) > 1 or len(written) > 70:
        return None
    question = _question(Kind.FILL_BLANK, f"{lead(ctx, sent)}{stem_part}。", (), (fact.thing,), sent,
                         _explain(sent), 3, ("record",))  # fmt: skip
    return Draft(question, sent, (start, end))
