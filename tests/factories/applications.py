"""Factories for the applying capability: rounds, filled wizards, real files."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils import timezone

from masterstudio.applications import services
from masterstudio.applications.models import Round
from masterstudio.applications.wizard import read_draft
from tests.factories import make_person

SHANGHAI_CLOSE = datetime(2026, 6, 30, 17, 0)


def make_round(
    *,
    year: int = 2026,
    title: str | None = None,
    open_now: bool = True,
    closes_at=None,
    opens_at=None,
    policy_version: str = "measures-2026-draft",
    **extra,
) -> Round:
    now = timezone.now()
    if opens_at is not None:
        opens, closes = opens_at, closes_at
    elif open_now:
        opens, closes = now - timedelta(days=10), closes_at or now + timedelta(days=20)
    else:
        opens, closes = now - timedelta(days=40), closes_at or now - timedelta(days=1)
    return Round.objects.create(
        year=year,
        title=title or f"{year}年度经开区技能大师工作室申报",
        opens_at=opens,
        closes_at=closes,
        guide="请按《办法》第9条准备材料。",
        policy_version=policy_version,
        **extra,
    )


def make_people(unit, *, prefix: str = "", leader_birth: str = "1975-03-08", team_size: int = 3, seq_base: int = 0):
    """A leader and a team of formal employees for ``unit``."""
    leader = make_person(unit, f"{prefix}张领办", leader_birth, seq=seq_base + 1)
    team = [
        make_person(unit, f"{prefix}队员{i}", f"19{85 + i}-0{i + 1}-1{i}", seq=seq_base + 10 + i)
        for i in range(team_size)
    ]
    return leader, team


def wizard_data(
    *,
    leader=None,
    team=(),
    scope: str = "head",
    route: str = "listed",
    occupation_code: str = "6-18-01-01",
    occupation_name: str = "",
    skill_level: str = "technician",
    certificate_no: str = "S2019110000123",
    frontline_years="22",
    honors=(),
    conditions: str = "yes",
    **extra,
) -> QueryDict:
    data = QueryDict(mutable=True)
    values = {
        "scope": scope,
        "leader": str(leader.pk) if leader else "",
        "route": route,
        "occupation_code": occupation_code,
        "occupation_name": occupation_name,
        "skill_level": skill_level,
        "certificate_no": certificate_no,
        "frontline_years": frontline_years,
    }
    for name in (
        "lawful_operation",
        "has_talent_pipeline",
        "has_talent_systems",
        "has_stable_funding",
        "has_facilities",
        "has_management_rules",
    ):
        values[f"cond_{name}"] = conditions
        values[f"note_{name}"] = "已建立" if conditions == "yes" else ""
    values.update(extra)
    for key, value in values.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    data.setlist("team", [str(p.pk) for p in team])
    data.setlist("honors", list(honors))
    return data


def pdf_bytes(text: str = "经开区技能大师工作室申报材料") -> bytes:
    """A real PDF (reportlab), with a CJK font built into the reader (STSong-Light)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("STSong-Light", 14)
    page.drawString(72, 760, text)
    page.showPage()
    page.save()
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), (31, 78, 140)).save(out, format="PNG")
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    book = Workbook()
    book.active.append(["设备", "数量"])
    book.save(out)
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("readme.txt", "not an office file")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def ready_application(unit, user, round_=None, *, leader=None, team=None, materials: bool = True, **data):
    """A draft with every fact filled in and every required material uploaded."""
    round_ = round_ or make_round()
    if leader is None:
        leader, team = make_people(unit)
    application = services.start_application(unit=unit, round_=round_, actor=user)
    application, draft = services.save_draft(
        application.pk, read_draft(wizard_data(leader=leader, team=team or [], **data), unit=unit), actor=user
    )
    assert not draft.errors, draft.errors
    if materials:
        for item in services.material_items(application):
            if item["required"]:
                stored, errors = services.upload_materials(
                    application.pk, item["clause"], [upload(f"{item['clause']}.pdf", pdf_bytes())], actor=user
                )
                assert not errors, errors
    application.refresh_from_db()
    return application
