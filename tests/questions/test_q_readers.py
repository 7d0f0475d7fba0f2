"""Reading uploaded report files: encodings, Word, PDF, and clear Chinese errors."""

import io
import zipfile

import pytest

from questions import ReportFileError, read_report

TEXT = "一、2023年工作回顾\n城镇新增就业1244万人，年末城镇调查失业率为5.1%。\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
        TEXT.encode("utf-16"),
        TEXT.encode("utf-16-le"),
        TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-bom", "utf16le", "utf16be"],
)
def test_text_encodings_are_detected(data: bytes) -> None:
    assert read_report(data, "报告.txt") == TEXT


def test_markdown_is_read_as_text() -> None:
    assert "1244万人" in read_report(("# 报告\n" + TEXT).encode(), "report.MD")


def test_docx_paragraphs_are_read() -> None:
    import docx

    document = docx.Document()
    for line in TEXT.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_report(buffer.getvalue(), "report.docx").splitlines()[:2] == TEXT.splitlines()


def _pdf_without_text() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (b"", "a.txt", "空"),
        (b"x" * 101, "a.txt", "过大"),
        (TEXT.encode(), "a.exe", "不支持"),
        (TEXT.encode(), "a.doc", ".docx"),
        (b"not a zip", "a.docx", "损坏"),
        (_zip({"hello.txt": b"hi"}), "a.docx", "不是有效"),
        (
            _zip({"word/document.xml": b"0" * 2_000_000} | {f"p{i}": b"0" * 2_000_000 for i in range(60)}),
            "a.docx",
            "解压后过大",
        ),
        (_pdf_without_text(), "scan.pdf", "扫描件"),
        (b"%PDF-1.4 garbage", "a.pdf", "PDF"),
        (b"   \n\n", "a.txt", "没有可用的文字"),
        (b"\xff\xfe\x00", "odd.txt", "二进制"),
        (bytes(range(256)) * 40, "random.txt", "二进制"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(7, 250)) * 30, "photo.md", "UTF-8"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_bad_files_get_a_chinese_message(data: bytes, name: str, fragment: str) -> None:
    with pytest.raises(ReportFileError) as caught:
        read_report(data, name, max_bytes=100 if fragment == "过大" else 20_000_000)
    assert fragment in caught.value.message
