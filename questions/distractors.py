"""Wrong options of the key's shape that the report certainly does not state."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from questions.extract.numbers import NumberFact
from questions.numerals import int_to_chinese


@dataclass(frozen=True)
class TermData:
    """Curated slogan families and confusion pairs (project data)."""

    families: tuple[tuple[str, ...], ...]
    pairs: tuple[tuple[str, str], ...]


@cache
def term_data() -> TermData:
    """Load the curated families and confusion pairs once."""
    root = resources.files("questions").joinpath("data")
    families = json.loads(root.joinpath("families.json").read_text("utf-8"))["families"]
    pairs = json.loads(root.joinpath("confusions.json").read_text("utf-8"))["pairs"]
    return TermData(tuple(tuple(f) for f in families), tuple((a, b) for a, b in pairs))


def _step(value: float) -> float:
    """One step on the key's second significant digit (1244 → 100), or its first below 100."""
    if value >= 100:
        return float(10 ** (len(str(int(value))) - 2))
    if value >= 1:
        return 1.0
    return float(10 ** math.floor(math.log10(value)))


def _format(fact: NumberFact, value: float) -> str:
    if fact.chinese:
        text = int_to_chinese(int(value))
        return "两" if text == "二" else text  # before a measure word 2 is written 两 (两个、两重)
    decimals = len(fact.num.split(".")[1]) if "." in fact.num else 0
    return f"{value:.{decimals}f}"


def in_band(key: float, value: float) -> bool:
    """Whether a numeric distractor is within 0.5–2 times the key."""
    return key > 0 and 0.5 * key <= value <= 2 * key and value != key


def number_options(
    fact: NumberFact,
    rng: random.Random,
    *,
    forbidden: set[str],
    limits: tuple[float | None, float | None] = (None, None),
) -> list[str] | None:
    """Four slot texts, one the key, in ascending order; None if no clean set exists.

    The options are an arithmetic run on one digit around the key. For a lower bound (超过、以上) all
    distractors lie above the key and for an upper bound below it, so none is implied by the text.
    `limits` are exclusive bounds every option keeps to (a value that rose stays above where it began).
    """
    if fact.value <= 0:
        return None
    decimals = len(fact.num.split(".")[1]) if "." in fact.num else 0
    step = _step(fact.value)
    # Small bounded values leave no room for whole steps on one side; then step on the next digit.
    steps = [step] + [s for s in (step / 2, step / 10) if s >= 10**-decimals and not fact.chinese]
    allowed = range(0, 4) if fact.bound > 0 else range(-3, 1) if fact.bound < 0 else range(-3, 4)
    windows: list[list[str]] = []
    for current in steps:
        windows = [w for w in _windows(fact, current, allowed, forbidden) if _within(fact, w, limits)]
        if windows:
            break
    return rng.choice(windows) if windows else None


def _within(fact: NumberFact, texts: list[str], limits: tuple[float | None, float | None]) -> bool:
    low, high = limits
    if low is None and high is None:
        return True
    values = [float(t[len(fact.pre) :].split(fact.scale or fact.mid or fact.unit)[0]) for t in texts]
    return (low is None or min(values) > low) and (high is None or max(values) < high)


def _windows(fact: NumberFact, step: float, allowed: range, forbidden: set[str]) -> list[list[str]]:
    windows = []
    for low in range(-3, 1):
        ks = list(range(low, low + 4))
        if not all(k in allowed for k in ks):
            continue
        values = [round(fact.value + k * step, 6) for k in ks]
        if not all(in_band(fact.value, v) for v, k in zip(values, ks, strict=True) if k):
            continue
        if fact.unit == "%" and fact.value <= 100 and max(values) > 100:
            continue
        if fact.chinese and (min(values) < 2 or max(values) >= 100):
            continue
        texts = [fact.with_number(_format(fact, v)) for v in values]
        if any(t in forbidden for t, k in zip(texts, ks, strict=True) if k) or len(set(texts)) < 4:
            continue
        windows.append(texts)
    return windows


def term_candidates(term: str, pool: Iterable[str]) -> list[tuple[int, str]]:
    """Terms that could stand in for `term`, ranked: same family, confusion pair, same shape."""
    data = term_data()
    ranked: dict[str, int] = {}
    for family in data.families:
        if term in family:
            for sibling in family:
                ranked.setdefault(sibling, 0)
    for a, b in data.pairs:
        for old, new in ((a, b), (b, a)):
            if old in term:
                ranked.setdefault(term.replace(old, new, 1), 1)
    numbered = term[0] in "一二两三四五六七八九十百千万0123456789"
    for other in pool:
        if (other[0] in "一二两三四五六七八九十百千万0123456789") != numbered:
            continue
        if abs(len(other) - len(term)) > (0 if len(term) <= 4 else 2):
            continue
        shared = other[0] == term[0] or other[-1] == term[-1]
        ranked.setdefault(other, 2 if shared else 3)
    return sorted(
        ((rank, t) for t, rank in ranked.items() if t != term and t not in term and term not in t),
        key=lambda item: (item[0], abs(len(item[1]) - len(term)), item[1]),
    )


def pick_terms(term: str, pool: Iterable[str], rng: random.Random, *, avoid: str, count: int = 3) -> list[str]:
    """Up to `count` stand-ins for a term, none of which occurs in `avoid` (the evidence sentence)."""
    # Rank 3 (same length, nothing else in common) made options like 表情包/满堂红 in review: never used.
    ranked = [(rank, t) for rank, t in term_candidates(term, pool) if t not in avoid and rank <= 2]
    chosen: list[str] = []
    for rank in sorted({r for r, _ in ranked}):
        tier = [t for r, t in ranked if r == rank]
        rng.shuffle(tier)
        chosen.extend(tier[: count - len(chosen)])
        if len(chosen) >= count:
            break
    return chosen


def pick_outsiders(
    members: tuple[str, ...],
    pool: Iterable[str],
    rng: random.Random,
    *,
    avoid: str,
    count: int,
    near: set[str] | None = None,
) -> list[str]:
    """Items of other lists in the report, of the members' length and ending, that are not members.

    Items of lists in the same part of the report (`near`) come first: an outsider from an unrelated
    family (a city among technologies) is false but too easy to spot.
    """
    near = near or set()
    lengths = sorted(len(m) for m in members)
    low, high = lengths[0] - 1, lengths[-1] + 1
    endings = {m[-1] for m in members}
    candidates = sorted(
        {
            item
            for item in pool
            if low <= len(item) <= high and item not in avoid and not any(item in m or m in item for m in members)
        }
    )
    rng.shuffle(candidates)
    candidates.sort(key=lambda item: (item not in near, item[-1] not in endings))
    return candidates[:count]
