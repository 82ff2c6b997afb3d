"""Small real files for the generated data set: PDFs drawn by reportlab (with the CJK font every
PDF reader has built in), PNG photos by Pillow, and an XLSX by openpyxl. Each is made once per
distinct text and cached, so that thousands of materials cost little."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache


@lru_cache(maxsize=64)
def pdf(text: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    page.setFont("STSong-Light", 14)
    for index, line in enumerate(text.split("\n")):
        page.drawString(72, 760 - index * 22, line)
    page.showPage()
    page.save()
    return out.getvalue()


@lru_cache(maxsize=16)
def png(colour: tuple[int, int, int] = (31, 78, 140)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (48, 32), colour).save(out, format="PNG")
    return out.getvalue()


@lru_cache(maxsize=4)
def xlsx(title: str = "设备清单") -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    book = Workbook()
    book.active.title = title[:31]
    book.active.append(["设备", "数量", "金额（元）"])
    book.active.append(["数控车床", 1, 186000])
    book.save(out)
    return out.getvalue()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
