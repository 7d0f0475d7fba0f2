"""How campaigns, questions and answers read in Chinese on the employee pages."""

from typing import Any

from app.quiz.models import Campaign, ScorePolicy

KIND_LABELS = {"single_choice": "单选题", "multiple_choice": "多选题", "true_false": "判断题", "fill_blank": "填空题"}
KIND_HINTS = {"single_choice": "请选择一个答案", "multiple_choice": "可选择多个答案", "true_false": "请判断对错",
              "fill_blank": "请填写答案"}
POLICY_LABELS = {ScorePolicy.BEST: "取最高分", ScorePolicy.LAST: "取最后一次", ScorePolicy.FIRST: "取第一次"}
LETTERS = "ABCDEFGHIJ"


def campaign_rules(campaign: Campaign) -> dict[str, Any]:
    """The campaign's rules as short phrases for the entry page."""
    counts = [(KIND_LABELS[kind], int(n)) for kind, n in campaign.draw_rule.items() if int(n or 0) > 0]
    total = sum(n for _, n in counts)
    minutes = (campaign.time_limit_seconds + 59) // 60 if campaign.time_limit_seconds else None
    attempts = (f"每人可答 {campaign.max_attempts} 次，{POLICY_LABELS[ScorePolicy(campaign.score_policy)]}"
                if campaign.max_attempts > 1 else "每人只能答 1 次")
    return {
        "total": total,
        "mix": "、".join(f"{label} {n} 道" for label, n in counts),
        "minutes": minutes,
        "attempts": attempts,
        "points": campaign.points_total,
        "pass_mark": campaign.pass_mark,
        "study_minutes": (campaign.study_seconds_required + 59) // 60 if campaign.study_seconds_required else 0,
    }


def letter(index: int) -> str:
    """The letter of a shown option."""
    return LETTERS[index] if 0 <= index < len(LETTERS) else str(index + 1)


def describe(item: dict[str, Any], value: object) -> str:
    """A response or key as a person reads it: “B”, “A、C”, “正确”, the typed text, or “未作答”."""
    if value is None or value == [] or value == "":
        return "未作答"
    kind = item["kind"]
    if kind == "true_false":
        return "正确" if value is True else "错误"
    if kind == "fill_blank":
        return str(value[0]) if isinstance(value, list) and value else str(value)
    if isinstance(value, list):
        return "、".join(letter(int(v)) for v in value)
    return letter(int(value))  # type: ignore[call-overload]


def minutes_seconds(seconds: int | None) -> str:
    """“12 分 05 秒” for durations on the result page."""
    if seconds is None:
        return "—"
    minutes, rest = divmod(max(seconds, 0), 60)
    return f"{minutes} 分 {rest:02d} 秒" if minutes else f"{rest} 秒"
