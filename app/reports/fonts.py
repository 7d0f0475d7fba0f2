"""Finding a CJK font among the installed system fonts, for charts and printable PDFs (never downloaded)."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Preferred families, best first: simplified-Chinese faces before the others of the same collection.
PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Droid Sans Fallback", "AR PL UMing CN", "Noto Serif CJK SC", "Noto Sans CJK JP")


@dataclass(frozen=True)
class CjkFont:
    """A font file with Chinese glyphs; `index` picks the face inside a .ttc collection."""

    family: str
    path: Path
    index: int


@lru_cache(maxsize=1)
def find_cjk_font() -> CjkFont | None:
    """The best installed CJK font, or None when the machine has none."""
    try:
        from matplotlib import font_manager
    except ImportError:  # pragma: no cover - matplotlib is a declared dependency
        return None
    by_family: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.style == "normal" and entry.weight in (400, "normal", "regular"):
            by_family.setdefault(entry.name, entry.fname)
    for family in PREFERRED:
        if family in by_family:
            path = Path(by_family[family])
            return CjkFont(family=family, path=path, index=_face_index(path, family))
    return None


def _face_index(path: Path, family: str) -> int:
    """Which face of a collection carries this family name (0 for a plain font file)."""
    if path.suffix.lower() != ".ttc":
        return 0
    try:
        from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]

        with TTCollection(str(path), lazy=True) as collection:
            for index, face in enumerate(collection.fonts):
                if face["name"].getDebugName(1) == family:
                    return index
    except Exception:
        return 0
    return 0
