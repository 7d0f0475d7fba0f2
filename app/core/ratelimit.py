"""A per-process sliding-window rate limit, for requests that bots repeat (a submission)."""

import threading
import time
from collections import deque
from collections.abc import Hashable

# Keys kept before stale ones are swept: bounded memory whatever a bot sends.
SWEEP_OVER = 10_000


class RateLimit:
    """At most `limit` events per key within `window` seconds."""

    def __init__(self, *, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: Hashable, now: float | None = None) -> bool:
        """Record an event for the key; False when it is over the limit (the event is not counted)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > SWEEP_OVER:
                self._sweep(now)
            return True

    def _sweep(self, now: float) -> None:
        for key in [k for k, e in self._events.items() if not e or e[-1] <= now - self.window]:
            del self._events[key]
