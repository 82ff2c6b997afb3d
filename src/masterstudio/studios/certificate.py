"""The printable certificate (证书) of a recognised studio: an A4 landscape PDF with the CJK font
embedded (``core.pdf``), so it prints the same on every machine (architecture guide, "PDF documents")."""

from __future__ import annotations

import io

from masterstudio.core.pdf import FontMissing, register_cjk_font


class CertificateError(Exception):
    pass


def _chinese_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def render_certificate(studio) -> bytes:
    # reportlab is loaded only when a certificate is drawn (see _register_font)
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    try:
        font = register_cjk_font()
    except FontMissing as exc:
        raise CertificateError(f"无法生成证书：{exc}") from exc
    buffer = io.BytesIO()
    width, height = landscape(A4)
    # initialFontName: the page never declares a font that is not embedded (no stray Helvetica).
    pdf = canvas.Canvas(buffer, pagesize=(width, height), initialFontName=font, initialFontSize=12)
    pdf.setTitle(f"{studio.title}证书 {studio.nameplate_no}")
    pdf.setAuthor("北京经济技术开发区社会事业局")
    red, dark = HexColor("#9b1c1c"), HexColor("#1d2733")
    pdf.setStrokeColor(red)
    pdf.setLineWidth(6)
    pdf.rect(28, 28, width - 56, height - 56)
    pdf.setLineWidth(1.5)
    pdf.rect(42, 42, width - 84, height - 84)

    pdf.setFillColor(red)
    pdf.setFont(font, 40)
    pdf.drawCentredString(width / 2, height - 130, "证　书")
    pdf.setFillColor(dark)
    pdf.setFont(font, 13)
    pdf.drawRightString(width - 80, height - 80, f"编号：{studio.nameplate_no}")

    lines = [
        f"{studio.unit.name}：",
        f"经评审和公示，{studio.name}",
        f"（领办人：{studio.leader.name}；职业（工种）：{studio.occupation_name}）",
        f"被认定为“{studio.title}”，特发此证，并授予铭牌。",
    ]
    pdf.setFont(font, 18)
    y = height - 210
    pdf.drawString(90, y, lines[0])
    for text in lines[1:]:
        y -= 40
        for chunk in _wrap(text, 36):
            pdf.drawString(120, y, chunk)
            y -= 30
        y += 30
    pdf.setFont(font, 16)
    pdf.drawRightString(width - 100, 170, "北京经济技术开发区社会事业局")
    pdf.drawRightString(width - 100, 142, _chinese_date(studio.recognized_on))
    pdf.setFont(font, 10)
    pdf.setFillColor(HexColor("#5f6b7a"))
    pdf.drawString(
        70, 64, "依据：《北京经济技术开发区技能大师工作室建设管理办法（试行）》第十条（认定）、第十四条（一次性资助）"
    )
    notice = revocation_notice(studio)
    if notice:
        _stamp_revoked(pdf, font, width, height, notice, red)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def revocation_notice(studio) -> str:
    """The line a revoked studio's certificate carries (empty for a studio not revoked): the date
    and clause of the revocation (Art. 13), so a printed copy cannot pass for a valid one."""
    if studio.state != "revoked":
        return ""
    on = _chinese_date(studio.revoked_on) if studio.revoked_on else "（日期未登记）"
    clause = f"第{studio.revocation_clause}条" if studio.revocation_clause else "第十三条"
    return f"已撤销：该工作室已于{on}依据《办法》{clause}撤销称号、收回铭牌，本证书作废。"


def _stamp_revoked(pdf, font, width, height, notice, red) -> None:
    pdf.saveState()
    pdf.setStrokeColor(red)
    pdf.setFillColor(red)
    pdf.setLineWidth(4)
    pdf.translate(width / 2, height / 2)
    pdf.rotate(18)
    pdf.roundRect(-170, -50, 340, 100, 14, stroke=1, fill=0)
    pdf.setFont(font, 64)
    pdf.drawCentredString(0, -22, "已撤销")
    pdf.restoreState()
    pdf.setFillColor(red)
    pdf.setFont(font, 13)
    pdf.drawString(70, 90, notice)


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]
