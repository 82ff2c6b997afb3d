"""Factories for money, ledger, activity and evaluation tests: real rows through the real models."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from masterstudio.applications.models import scope_key
from masterstudio.core import transitions
from masterstudio.studios.models import Studio
from tests.factories import make_person

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

_counter = {"n": 0}


def make_studio(
    unit,
    *,
    name=None,
    occupation_code="6-18-01-01",
    occupation_name="车工",
    recognized_on=date(2025, 6, 20),
    leader=None,
    **extra,
) -> Studio:
    _counter["n"] += 1
    n = _counter["n"]
    leader = leader or make_person(unit, name=f"领办人{n}", birth=f"1978-04-0{1 + n % 9}", seq=100 + n)
    with transitions.seed("test fixture: a studio created in the state the test starts from"):
        return Studio.objects.create(
            unit=unit,
            leader=leader,
            occupation_code=occupation_code,
            occupation_name=occupation_name,
            name=name or f"{leader.name}{occupation_name}技能大师工作室{n}",
            nameplate_no=f"T-{n:05d}",
            recognized_on=recognized_on,
            leader_key=leader.id_index,
            scope_key=scope_key(unit.pk, None, occupation_code, occupation_name),
            **extra,
        )


def pdf_upload(name="凭证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png_upload(name="照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def published_grade(studio, year: int, grade: str = "excellent", *, on: date | None = None):
    """A published annual assessment result of ``year`` (what Art. 14's 优秀 reward needs), written
    directly: the assessment itself is driven through its services in tests/assessments."""
    from masterstudio.assessments.models import StudioAssessment

    return StudioAssessment.objects.create(
        studio=studio,
        year=year,
        kind="annual",
        computed_grade=grade,
        grade=grade,
        published=True,
        assessed_on=on or date(year + 1, 1, 15),
        reasons="年度绩效考核结果（测试）",
    )
