"""Time helpers: everything is stored in UTC and shown in China Standard Time."""

from datetime import UTC, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Treat a naive value as UTC (as SQLite returns it) and convert aware ones to UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local(value: datetime | None) -> datetime | None:
    """A stored time in China Standard Time, for display and for parsing form input."""
    return None if value is None else as_utc(value).astimezone(CHINA)


def format_local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time as users read it, or a dash."""
    shown = local(value)
    return "—" if shown is None else shown.strftime(fmt)


def parse_local(text: str) -> datetime:
    """Parse 'YYYY-MM-DDTHH:MM' (an HTML datetime-local value) in China time to UTC."""
    parsed = datetime.fromisoformat(text.strip().replace(" ", "T"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CHINA)
    return parsed.astimezone(UTC)
