"""The one CJK font registration every PDF uses (core.pdf): the certificate and the recognition list."""

import pytest
from reportlab.pdfbase import pdfmetrics

from masterstudio.core.pdf import FONT_NAME, FontMissing, register_cjk_font
from masterstudio.dataio.pdf import recognition_list_pdf


def test_the_font_is_registered_once_under_one_name():
    assert register_cjk_font() == FONT_NAME
    assert register_cjk_font() == FONT_NAME
    assert FONT_NAME in pdfmetrics.getRegisteredFontNames()


def test_the_recognition_list_without_the_font_names_the_package(db, settings):
    settings.CERTIFICATE_FONT = "/nonexistent/wqy.ttc"
    pdfmetrics._fonts.pop(FONT_NAME, None)
    try:
        with pytest.raises(FontMissing, match="fonts-wqy-microhei"):
            recognition_list_pdf(2026)
    finally:
        settings.CERTIFICATE_FONT = ""
        register_cjk_font()
