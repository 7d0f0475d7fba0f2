"""Reading an uploaded report file (.txt, .md, .docx, .pdf) into raw text."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from questions.errors import ReportFileError

MAX_BYTES = 20_000_000
# A .docx is a zip; cap what it may inflate to so a small bomb cannot exhaust memory.
MAX_UNZIPPED = 100_000_000
_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
_SUPPORTED = "TXT（UTF-8、GBK、UTF-16 均可）、Markdown、Word（.docx）或带文字层的 PDF"
_CJK = re.compile("[\u4e00-\u9fff]")


def read_report(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> str:
    """Raw text of an uploaded report; raises ReportFileError with what to do for bad files."""
    suffix = PurePath(filename or "").suffix.lower()
    if not data:
        raise ReportFileError("文件是空的，请选择包含报告正文的文件后重新上传。")
    if len(data) > max_bytes:
        raise ReportFileError(
            f"文件过大（{len(data) / 1_000_000:.1f} MB），上限为 {max_bytes / 1_000_000:.0f} MB，请只上传报告正文。"
        )
    if suffix in _TEXT_SUFFIXES:
        text = decode_text(data)
        if _looks_binary(text):
            raise ReportFileError("文件中含有无法识别的二进制内容，不像是文本文件，请另存为 UTF-8 编码的文本后再上传。")
    elif suffix == ".docx":
        text = _read_docx(data)
    elif suffix == ".pdf":
        text = _read_pdf(data)
    elif suffix == ".doc":
        raise ReportFileError("不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再上传。")
    else:
        raise ReportFileError(f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 {_SUPPORTED}。")
    if not text.strip():
        raise ReportFileError("文件中没有可用的文字，请检查文件内容后重新上传。")
    return text


def _looks_binary(text: str) -> bool:
    # Undecodable bytes become U+FFFD and binary shows up as control characters or as a scatter of
    # rare scripts; real reports are almost all CJK, ASCII, whitespace and punctuation.
    sample = text[:20000]
    if not sample:
        return False
    odd = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\n\r\t\f"))
    plausible = sum(1 for ch in sample if _PLAUSIBLE.match(ch))
    return odd > len(sample) // 50 or plausible < len(sample) * 0.85


_PLAUSIBLE = re.compile(r"[\s\x20-\x7e\u00b7\u2010-\u206f\u2160-\u217f\u2460-\u24ff\u25a0-\u25ff"
                        r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def decode_text(data: bytes) -> str:
    """Decode text bytes: BOMs first, then UTF-8, then GB18030, then a detected encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4000]:
        # UTF-8 and GBK never hold a zero byte; Chinese UTF-16 without a BOM does (in ASCII characters).
        return _utf16_without_bom(data)
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or _CJK.search(text):
            return text
    from charset_normalizer import from_bytes  # imported late: only odd files need it

    best = from_bytes(data).best()
    if best is None:
        raise ReportFileError("无法识别文件的文字编码，请用记事本另存为 UTF-8 编码后再上传。")
    return str(best)


def _utf16_without_bom(data: bytes) -> str:
    best = ""
    for encoding in ("utf-16-le", "utf-16-be"):
        text = data.decode(encoding, errors="replace")
        if len(_CJK.findall(text)) > len(_CJK.findall(best)):
            best = text
    if not best:
        raise ReportFileError("文件中含有无法识别的二进制内容，请另存为 UTF-8 编码的文本文件后再上传。")
    return best


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReportFileError("Word 文件已损坏或不是 .docx 格式，请重新保存为 .docx 后上传。") from None
    if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
        raise ReportFileError("Word 文件解压后过大，可能已损坏，请重新保存后上传。")
    if "word/document.xml" not in archive.namelist():
        raise ReportFileError("该文件不是有效的 Word（.docx）文档，请重新保存为 .docx 后上传。")
    return archive


def _read_docx(data: bytes) -> str:
    _check_zip(data)
    import docx  # python-docx; imported late to keep `import questions` fast

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for malformed parts
        raise ReportFileError(f"无法读取 Word 文件（{type(exc).__name__}），请重新保存为 .docx 后上传。") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("，".join(cell.text.strip() for cell in row.cells if cell.text.strip()))
    return "\n".join(lines)


def _read_pdf(data: bytes) -> str:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ReportFileError("PDF 文件已加密，请先解除密码保护后再上传。")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReportFileError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise ReportFileError(f"无法读取 PDF 文件（{type(exc).__name__}），请确认文件未损坏。") from None
    text = "\n".join(pages)
    if len(_CJK.findall(text)) < 20:
        raise ReportFileError("该 PDF 没有可提取的文字（可能是扫描件或图片），请上传带文字层的 PDF、Word 或 TXT 文件。")
    return text
