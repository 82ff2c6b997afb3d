"""The yearly recognition list (年度认定名单) as an A4 PDF with the CJK font embedded (``core.pdf``,
the font the certificate uses too)."""

from __future__ import annotations

import io

from masterstudio.core.pdf import register_cjk_font
from masterstudio.studios.models import Studio


def recognition_list_pdf(year: int) -> tuple[bytes, int]:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = register_cjk_font()
    studios = list(
        Studio.objects.filter(recognized_on__year=year)
        .select_related("unit", "branch", "leader")
        .order_by("recognized_on", "nameplate_no")
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=18 * mm,
        bottomMargin=15 * mm,
        title=f"{year}年度经开区技能大师工作室认定名单",
        author="北京经济技术开发区社会事业局",
    )
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=12)
    note = ParagraphStyle("n", fontName=font, fontSize=9, leading=13, textColor=colors.HexColor("#5f6b7a"))
    story = [Paragraph(f"{year}年度经开区技能大师工作室认定名单", title), Spacer(1, 6 * mm)]
    data = [["序号", "工作室名称", "所在单位", "职业（工种）", "领办人", "铭牌编号", "认定日期"]]
    for index, s in enumerate(studios, start=1):
        unit = s.unit.name + (f"（{s.branch.name}）" if s.branch_id else "")
        data.append(
            [
                str(index),
                Paragraph(s.name, body),
                Paragraph(unit, body),
                Paragraph(s.occupation_name, body),
                s.leader.name,
                s.nameplate_no,
                f"{s.recognized_on:%Y-%m-%d}",
            ]
        )
    if len(data) == 1:
        data.append(["", Paragraph("本年度无认定的工作室", body), "", "", "", "", ""])
    table = Table(data, colWidths=[10 * mm, 42 * mm, 42 * mm, 26 * mm, 16 * mm, 24 * mm, 20 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b8c3d1")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 5 * mm),
        Paragraph(f"依据《北京经济技术开发区技能大师工作室建设管理办法（试行）》第十条。共 {len(studios)} 个。", note),
    ]
    doc.build(story)
    return buffer.getvalue(), len(studios)
