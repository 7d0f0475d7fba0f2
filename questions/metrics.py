"""Figures a reviewer checks on a bank: where keys sit among the options, where outsiders come from."""

from __future__ import annotations

from collections import Counter

from questions.bank import Bank
from questions.extract.enums import find_enumerations
from questions.extract.lists import find_lists
from questions.kinds import Kind
from questions.sentences import askable, iter_sentences
from questions.structure import parse_document
from questions.text import normalise_text


def _group(tags: tuple[str, ...]) -> str:
    for tag in ("pair", "negative", "change", "record", "list", "number", "slogan", "term", "definition"):
        if tag in tags:
            return tag
    return "other"


def key_positions(bank: Bank) -> dict[str, Counter[str]]:
    """Letters of the keys (A, B, …) of choice questions, per kind and fact group (kind/group)."""
    found: dict[str, Counter[str]] = {}
    for q in bank.questions:
        if q.kind is Kind.SINGLE_CHOICE and isinstance(q.answer, int):
            keys = [q.answer]
        elif q.kind is Kind.MULTIPLE_CHOICE and isinstance(q.answer, tuple):
            keys = [a for a in q.answer if isinstance(a, int)]
        else:
            continue
        for label in (str(q.kind), f"{q.kind}/{_group(q.tags)}"):
            found.setdefault(label, Counter()).update("ABCDEFG"[k] for k in keys)
    return found


def outsider_sources(text: str, bank: Bank) -> Counter[str]:
    """Multiple-choice and 不属于 outsiders: from a list in the same top-level part ("same") or not."""
    document = parse_document(normalise_text(text))
    sents = list(iter_sentences(document))
    top_of = {s.section: s.top for s in sents}
    tops: dict[str, set[str]] = {}
    for sent in sents:
        for fact in find_lists(sent) if askable(sent) else []:
            for item in fact.items:
                tops.setdefault(item, set()).add(sent.top)
    for enum in find_enumerations(document, sents):
        for item in enum.items:
            tops.setdefault(item, set()).add(enum.sent.top)
    counts: Counter[str] = Counter()
    for q in bank.questions:
        if q.kind is Kind.MULTIPLE_CHOICE and isinstance(q.answer, tuple):
            outsiders = [o for i, o in enumerate(q.options) if i not in q.answer]
        elif q.kind is Kind.SINGLE_CHOICE and "negative" in q.tags and isinstance(q.answer, int):
            outsiders = [q.options[q.answer]]
        else:
            continue
        for outsider in outsiders:
            counts["same" if top_of.get(q.section) in tops.get(outsider, set()) else "other"] += 1
    return counts
