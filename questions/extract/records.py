"""Record claims (全国首个、首家、首次、第一个、唯一、零的突破): what was the first."""

from __future__ import annotations

import re
from dataclasses import dataclass

from questions.sentences import Sent
from questions.text import has_placeholder

_RECORD = re.compile(
    r"(?P<scope>全国|全球|全省|全市|国内|国际|世界|亚洲|我国|全国范围内)?"
    r"(?P<marker>首个|首家|首次|首条|首单|首批|首票|首笔|首座|首台|第一个|第一家|唯一|零的突破)"
)
# Only ranks that read naturally when demoted; 首单/首票/首次 become odd phrases (第二票…).
_SECOND = {"首个": "第二个", "首家": "第二家", "首条": "第二条", "首批": "第二批", "首座": "第二座",
           "首台": "第二台", "第一个": "第二个", "第一家": "第二家"}  # fmt: skip
# Without a scope (全国首个) or 成为 a marker is often a plain word inside a list (首票发动机…维修).
_CLAIM_BEFORE = re.compile(r"(?:成为|是|为|入选|获评|建成|实现)$")
_VERBS = re.compile(
    r"(?:落地|投入|建成|投产|开业|运营|运行|获批|发布|上线|开通|落户|成立|揭牌|启用|开工|跻身|入选|实现|"
    r"通过|获评|完成|构建|试点|举办|设立|出台)"
)
_STOP = "，。；、：！？（）"


@dataclass(frozen=True)
class RecordFact:
    """A record marker in a sentence and the thing it qualifies (`thing` may be empty)."""

    sent: Sent
    start: int
    end: int
    marker: str
    thing: str

    @property
    def second(self) -> str | None:
        """The marker turned into a plainly different rank (首个 → 第二个), if it has one."""
        return _SECOND.get(self.marker)


def find_records(sent: Sent) -> list[RecordFact]:
    """Record claims of the sentence; a 第一个 that counts goals (第一个百年奋斗目标) is skipped."""
    found = []
    for match in _RECORD.finditer(sent.text):
        if match["marker"].startswith("第一") and not match["scope"]:
            continue
        claimed = match["scope"] or _CLAIM_BEFORE.search(sent.text[: match.start()])
        if not claimed and match["marker"] not in ("首次", "零的突破"):
            continue
        rest = sent.text[match.end() :]
        cut = min([p for p in (rest.find(ch) for ch in _STOP) if p != -1] or [len(rest)])
        verb = _VERBS.search(rest[:cut])
        thing = rest[: verb.start() if verb else cut]
        if not 3 <= len(thing) <= 14 or has_placeholder(thing) or "“" in thing or "”" in thing:
            thing = ""
        found.append(RecordFact(sent, match.start("marker"), match.end("marker"), match["marker"], thing))
    return found
