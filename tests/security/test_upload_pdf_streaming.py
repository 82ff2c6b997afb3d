"""The PDF check reads the file and inflates its streams piece by piece (issue 20: a 50 MB upload
held 150 MB in the worker): memory stays bounded, a name cut by a piece's end is still read, and
the refusals are those of reading the whole file at once."""

from __future__ import annotations

import os
import re
import tracemalloc
import zlib

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from masterstudio.core import uploads
from masterstudio.core.uploads import checks

HEAD = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
TAIL = b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _refusal(content: bytes):
    try:
        uploads.check_upload(SimpleUploadedFile("材料.pdf", content))
    except uploads.UploadRefused as refused:
        return refused.code, refused.messages
    return None


def _whole(content: bytes):
    """The check as it was (the whole file in memory), kept here to compare the answers."""
    name = "材料.pdf"
    parts, inflated = [content], 0
    for match in checks._PDF_STREAM.finditer(content):
        start = match.end()
        end = content.find(b"endstream", start)
        if end < 0:
            break
        try:
            text = zlib.decompressobj().decompress(content[start:end], checks._PDF_MAX_INFLATED - inflated)
        except zlib.error:
            continue
        inflated += len(text)
        parts.append(text)
        if inflated >= checks._PDF_MAX_INFLATED:
            return "zip_bomb", [f"文件“{name}”解压后体积异常（疑似压缩炸弹），已拒收"]
    for part in parts:
        for raw in re.findall(rb"/([A-Za-z0-9#]+)", part):
            found = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).lower()
            if found in checks._PDF_ACTIVE:
                return "pdf_active", [
                    f"PDF 文件“{name}”含{checks._PDF_ACTIVE[found]}（/{found.decode(errors='replace')}），"
                    "打开时可能执行代码，已拒收。请用“打印为 PDF”或扫描件重新生成后上传"
                ]
    return None


def _stream(body: bytes) -> bytes:
    return b"4 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + body + b"\nendstream\nendobj\n"


def test_a_name_cut_by_the_end_of_a_chunk_is_read():
    for name in (b"/JavaScript", b"/J#61vaScript", b"/Launch"):
        filler = checks._PDF_CHUNK - len(HEAD) - 5  # "/Java" ends the first chunk, "Script" begins the next
        content = HEAD + b" " * filler + name + b" " * 100 + TAIL
        assert content[: checks._PDF_CHUNK].endswith(name[:5])
        refused = _refusal(content)
        assert refused is not None and refused[0] == "pdf_active", name
        # the mistake this guards against: each chunk read alone finds nothing
        chunks = [content[i : i + checks._PDF_CHUNK] for i in range(0, len(content), checks._PDF_CHUNK)]
        assert not any(_whole(HEAD + chunk) for chunk in chunks[1:]) and not _whole(chunks[0])


def test_a_name_cut_by_the_end_of_an_inflated_step_is_read():
    text = b" " * (checks._PDF_INFLATE_STEP - 5) + b"/JavaScript (app.alert(1))" + b" " * 1000
    content = HEAD + _stream(zlib.compress(text)) + TAIL
    refused = _refusal(content)
    assert refused is not None and refused[0] == "pdf_active"
    assert (
        b"/JavaScript" not in text[: checks._PDF_INFLATE_STEP]
        and b"/JavaScript" not in text[checks._PDF_INFLATE_STEP :]
    )


def _big_pdf(path, megabytes: int, hidden: bytes = b"") -> None:
    with open(path, "wb") as out:
        out.write(HEAD + b"4 0 obj\n<< /Length 0 >>\nstream\n")
        for _ in range(megabytes):
            out.write(os.urandom(1024 * 1024).replace(b"/", b"0"))
        out.write(b"\nendstream\nendobj\n")
        if hidden:
            out.write(_stream(zlib.compress(hidden)))
        out.write(TAIL)


MEMORY_BOUND = 4 * 1024 * 1024  # the whole file was 20 MB, and held three times over before


@pytest.mark.parametrize("hidden", [b"", b" " * (30 * 1024 * 1024) + b"/JS (app.alert(1))"])
def test_a_large_pdf_is_checked_with_bounded_memory(tmp_path, settings, hidden):
    settings.UPLOAD_MAX_BYTES = 30 * 1024 * 1024
    path = tmp_path / "大文件.pdf"
    _big_pdf(path, 20, hidden)
    with open(path, "rb") as handle:
        upload = File(handle, name="大文件.pdf")
        tracemalloc.start()
        try:
            if hidden:  # 30 MB of inflated text, a script at its end
                with pytest.raises(uploads.UploadRefused, match="JavaScript") as refused:
                    uploads.check_upload(upload)
                assert refused.value.code == "pdf_active"
            else:
                assert uploads.check_upload(upload)[0] == "pdf"
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"peak {peak / 1024 / 1024:.1f} MB"


PIECES = st.sampled_from(
    [
        b"/JavaScript",
        b"/J#61vaScript",
        b"/JS",
        b"/js",
        b"/Launch",
        b"/EmbeddedFiles",
        b"/XFA",
        b"/Type",
        b"/",
        b"#",
        b"#4A#53",
        b"stream\n",
        b"stream\r\n",
        b"stream\r",
        b"endstream",
        b"endstream\n",
        b" ",
        b"\n",
        b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ]
)
INFLATED = st.lists(st.one_of(PIECES, st.binary(max_size=40)), max_size=12).map(b"".join)
BODY = st.one_of(
    INFLATED.map(zlib.compress),
    INFLATED.map(lambda text: zlib.compress(text)[:-3]),  # cut short
    INFLATED.map(lambda text: zlib.compress(text) + b"garbage/JS"),
    st.binary(max_size=60),
)
CONTENT = st.lists(st.one_of(PIECES, BODY, BODY.map(lambda b: b"stream\n" + b + b"endstream")), max_size=14).map(
    lambda parts: HEAD + b"".join(parts)
)


@hsettings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(CONTENT, st.sampled_from([5, 9, 16, 64]), st.sampled_from([3, 17, 4096]), st.sampled_from([40, 400, 10**6]))
def test_the_refusals_are_those_of_reading_the_whole_file(monkeypatch, content, chunk, step, most):
    monkeypatch.setattr(checks, "_PDF_CHUNK", chunk)
    monkeypatch.setattr(checks, "_PDF_INFLATE_STEP", step)
    monkeypatch.setattr(checks, "_PDF_MAX_INFLATED", most)
    assert _refusal(content) == _whole(content)
