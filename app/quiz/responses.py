"""Responses as stored: shown option indexes, true/false or text, from form strings or JSON."""

from collections.abc import Mapping
from typing import Any

from app.quiz.exceptions import InvalidResponse

MAX_FILL_LENGTH = 200


def clean_response(item: Mapping[str, Any], raw: object) -> object:
    """A response in the kind's stored shape (shown indexes), from form strings or JSON; None if empty."""
    kind = item["kind"]
    values: list[object] = list(raw) if isinstance(raw, list | tuple) else ([] if raw is None else [raw])
    values = [v for v in values if v != ""]
    if not values:
        return None
    if kind == "fill_blank":
        text = str(values[0]).strip()
        if len(text) > MAX_FILL_LENGTH:
            raise InvalidResponse("填写的内容太长了。")
        return text or None
    if kind == "true_false":
        value = values[0]
        if isinstance(value, bool):
            return value
        if value in ("true", "1", 1):
            return True
        if value in ("false", "0", 0):
            return False
        raise InvalidResponse()
    indexes: set[int] = set()
    for value in values:
        if isinstance(value, bool):
            raise InvalidResponse()
        try:
            index = int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError) as exc:
            raise InvalidResponse() from exc
        if not 0 <= index < len(item["options"]):
            raise InvalidResponse()
        indexes.add(index)
    if kind == "single_choice":
        if len(indexes) != 1:
            raise InvalidResponse("单选题只能选一个答案。")
        return indexes.pop()
    return sorted(indexes)
