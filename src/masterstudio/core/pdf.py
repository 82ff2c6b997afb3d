"""The CJK font every PDF the platform writes embeds (the studio's certificate, the yearly
recognition list), so a document prints the same on every machine (architecture guide, "PDF
documents"). The font file is WenQuanYi Micro Hei from the Debian package fonts-wqy-microhei
(scripts/system-deps.sh); the ``CERTIFICATE_FONT`` setting names another file."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

DEFAULT_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT_NAME = "WenQuanYiMicroHei"


class FontMissing(Exception):
    pass


def font_path() -> Path:
    return Path(getattr(settings, "CERTIFICATE_FONT", "") or DEFAULT_FONT)


def register_cjk_font() -> str:
    """Register the font with reportlab once and return the name to draw with."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    path = font_path()
    if not path.exists():
        raise FontMissing(
            f"找不到生成 PDF 所需的中文字体文件 {path}：请以 root 运行 scripts/system-deps.sh"
            "（安装 Debian 软件包 fonts-wqy-microhei）后再试"
        )
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME
