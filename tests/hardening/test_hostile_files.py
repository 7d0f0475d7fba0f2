"""Hostile report files straight into questions.read_report: every one is read or refused with a Chinese
message (ReportFileError), never another exception, and bombs are refused before they are inflated."""

import io
import struct
import tracemalloc
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import questions as qlib

SUFFIXES = ["report.txt", "report.docx", "report.pdf", "report.md", "report", "report.doc", "REPORT.TXT",
            "../../etc/passwd.txt", "..\\..\\windows\\report.docx", "/abs/report.pdf", "报告.txt\x00.exe",
            "<script>alert(1)</script>.txt"]
REPORT = "2026年政府工作报告\n一、回顾\n过去一年粮食产量稳定在1.3万亿斤以上。\n二、今年\n今年要坚持稳中求进。\n" * 5


def _read(data: bytes, name: str, max_bytes: int = 5_000_000) -> str | None:
    """The text, or None when refused with a Chinese message; any other exception fails the test."""
    try:
        return qlib.read_report(data, name, max_bytes=max_bytes)
    except qlib.ReportFileError as exc:
        assert exc.message and any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)
        return None


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=4000), name=st.sampled_from(SUFFIXES))
def test_random_bytes_under_any_name_are_read_or_refused_cleanly(data: bytes, name: str) -> None:
    _read(data, name)


@settings(max_examples=30, deadline=None)
@given(prefix=st.sampled_from([b"PK\x03\x04", b"%PDF-1.7\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00\x00"]),
       body=st.binary(max_size=3000), name=st.sampled_from(SUFFIXES))
def test_bytes_that_start_like_a_real_format_are_read_or_refused_cleanly(prefix: bytes, body: bytes, name: str) -> None:
    _read(prefix + body, name)


def _docx_with_document(xml: bytes, *, lie_about_size: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    data = buffer.getvalue()
    if lie_about_size:
        # Rewrite the uncompressed size in the central directory to 1 KB: the header lies, the stream is huge.
        at = data.rfind(b"PK\x01\x02")
        while at != -1:
            name_len = struct.unpack("<H", data[at + 28:at + 30])[0]
            if data[at + 46:at + 46 + name_len] == b"word/document.xml":
                data = data[:at + 24] + struct.pack("<I", 1024) + data[at + 28:]
                break
            at = data.rfind(b"PK\x01\x02", 0, at)
    return data


@pytest.mark.parametrize("lie", [False, True], ids=["honest-header", "lying-header"])
def test_a_zip_bomb_disguised_as_docx_is_refused_without_inflating_it(lie: bool) -> None:
    bomb = _docx_with_document(b"<w:document>" + b"0" * 300_000_000 + b"</w:document>", lie_about_size=lie)
    assert len(bomb) < 1_000_000  # 300 MB of XML in well under a megabyte
    tracemalloc.start()
    try:
        assert _read(bomb, "报告.docx") is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000, f"inflated {peak / 1e6:.0f} MB"


def test_a_100_mb_file_is_refused_by_its_size() -> None:
    huge = b"\xe6\x8a\xa5" * (100_000_000 // 3)
    with pytest.raises(qlib.ReportFileError) as refused:
        qlib.read_report(huge, "report.txt", max_bytes=20_000_000)
    assert "文件过大" in refused.value.message


def test_a_gbk_file_is_read_as_chinese() -> None:
    assert qlib.read_report(REPORT.encode("gbk"), "报告.txt", max_bytes=1_000_000).strip() == REPORT.strip()


@pytest.mark.parametrize("name", ["report.txt", "report.docx", "report.pdf"])
def test_an_empty_file_is_refused_with_a_message(name: str) -> None:
    with pytest.raises(qlib.ReportFileError) as refused:
        qlib.read_report(b"", name, max_bytes=1_000_000)
    assert "文件是空的" in refused.value.message


@pytest.mark.parametrize("name", SUFFIXES[7:])
def test_path_traversal_names_only_choose_the_reader(name: str) -> None:
    text = _read(REPORT.encode("utf-8"), name)
    assert text is None or text.strip() == REPORT.strip()
