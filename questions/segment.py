"""Word segmentation with jieba, loaded once, lazily and quietly from its bundled dictionary."""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

_lock = threading.Lock()
_ready = False


def _load() -> None:
    global _ready
    with _lock:
        if _ready:
            return
        import jieba

        jieba.setLogLevel(logging.ERROR)
        jieba.initialize()
        _ready = True


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """The words of a text, as jieba cuts it (no HMM guessing, so cuts are dictionary words)."""
    _load()
    import jieba

    return tuple(jieba.lcut(text, HMM=False))


def boundaries(text: str) -> frozenset[int]:
    """Offsets in the text where one word ends and the next begins (0 and len included)."""
    cuts = {0}
    position = 0
    for word in words(text):
        position += len(word)
        cuts.add(position)
    return frozenset(cuts)
