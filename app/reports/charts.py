"""Charts drawn on the server with matplotlib (Agg/SVG, no pyplot): they render with no internet at all.

Text is turned into paths inside the SVG, so browsers need no font; the CJK font is found among the
installed system fonts and, when there is none, charts still render (Chinese labels then show as boxes).
Renders are cached by their input data, so an unchanged campaign costs nothing on reload.
"""

import io
import threading
import warnings
from datetime import date
from functools import lru_cache
from typing import Any

from app.reports.fonts import find_cjk_font

RED = "#b3261e"
RED_SOFT = "#f4b6b0"
GREEN = "#1a7f37"
GREY = "#6b7280"
INK = "#1f2328"
_LOCK = threading.Lock()  # rcParams are process-global; one render at a time


def _figure(width: float, height: float) -> object:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _rc() -> Any:
    font = find_cjk_font()
    families = ([font.family] if font else []) + ["DejaVu Sans"]
    return {"font.family": families, "font.size": 11, "axes.spines.top": False, "axes.spines.right": False,
            "axes.edgecolor": "#9ca3af", "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK,
            "svg.fonttype": "path", "svg.hashsalt": "ceyice"}


def _render(draw: object, width: float, height: float) -> bytes:
    import matplotlib

    with _LOCK, matplotlib.rc_context(_rc()), warnings.catch_warnings():
        # A missing glyph (no CJK font installed) is a warning, never a failure.
        warnings.simplefilter("ignore")
        fig = _figure(width, height)
        draw(fig)  # type: ignore[operator]
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None})  # type: ignore[attr-defined]
    return out.getvalue()


@lru_cache(maxsize=256)
def participation_chart(rows: tuple[tuple[str, float], ...], target: float) -> bytes:
    """Horizontal bars: participation rate per unit, with the target rate marked."""
    height = max(2.0, 0.4 * len(rows) + 1.2)

    def draw(fig: object) -> None:
        ax = fig.add_subplot()  # type: ignore[attr-defined]
        names = [name for name, _ in rows][::-1]
        values = [rate * 100 for _, rate in rows][::-1]
        # Red marks a unit below the target, as the table beside it does.
        colors = [GREEN if v >= target * 100 else RED for v in values]
        bars = ax.barh(names, values, color=colors, height=0.62)
        ax.axvline(target * 100, color=GREY, linestyle="--", linewidth=1)
        ax.text(target * 100, len(names) - 0.4, f" 目标 {target * 100:.0f}%", color=GREY, fontsize=10, va="bottom")
        ax.set_xlim(0, max(100, *values) * 1.08 if values else 100)
        ax.set_xlabel("参与率（%）")
        for bar, value in zip(bars, values, strict=True):
            ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, f"{value:.1f}%", va="center",
                    fontsize=10, color=INK)
        if not rows:
            ax.text(0.5, 0.5, "暂无数据", transform=ax.transAxes, ha="center", color=GREY)

    return _render(draw, 5.8, height)


@lru_cache(maxsize=256)
def distribution_chart(bands: tuple[tuple[str, int], ...]) -> bytes:
    """Vertical bars: how many participants scored in each band."""

    def draw(fig: object) -> None:
        ax = fig.add_subplot()  # type: ignore[attr-defined]
        labels = [label for label, _ in bands]
        counts = [n for _, n in bands]
        bars = ax.bar(labels, counts, color=[RED_SOFT, *([RED] * (len(counts) - 1))], width=0.6)
        ax.set_ylabel("人数")
        ax.yaxis.get_major_locator().set_params(integer=True)
        for bar, n in zip(bars, counts, strict=True):
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), str(n), ha="center", va="bottom",
                    fontsize=10, color=INK)
        ax.set_ylim(0, max([1, *counts]) * 1.18)

    return _render(draw, 5.6, 3.2)


@lru_cache(maxsize=256)
def daily_chart(days: tuple[tuple[date, int, int], ...], roster: int) -> bytes:
    """Bars of people taking part each day (China time) and a line of the running participation rate."""

    def draw(fig: object) -> None:
        ax = fig.add_subplot()  # type: ignore[attr-defined]
        labels = [d.strftime("%m-%d") for d, _, _ in days]
        ax.bar(labels, [n for _, n, _ in days], color=RED, width=0.6, label="当日新参与人数")
        ax.set_ylabel("人数")
        ax.yaxis.get_major_locator().set_params(integer=True)
        if roster and days:
            twin = ax.twinx()
            twin.plot(labels, [run / roster * 100 for _, _, run in days], color=GREY, marker="o", linewidth=1.6,
                      label="累计参与率")
            twin.set_ylim(0, 105)
            twin.set_ylabel("累计参与率（%）")
            twin.spines["top"].set_visible(False)
        if not days:
            ax.text(0.5, 0.5, "暂无答题记录", transform=ax.transAxes, ha="center", color=GREY)
        if len(labels) > 12:
            ax.tick_params(axis="x", labelrotation=45)

    return _render(draw, 5.6, 3.2)
