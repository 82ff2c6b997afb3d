"""Personal information (个人信息保护法, issue 8 item 4): ID numbers and phone numbers are
encrypted at rest, never written in plain text to any table (event log, snapshots, decisions), never
in URLs, and masked on screens and exports for the roles that do not need them."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from masterstudio.units.models import Person
from tests.security.test_access_matrix import _text

pytestmark = pytest.mark.django_db


def _plain_values(person_numbers: set[str]):
    """(table, column, row id) of every stored text that contains one of the numbers in clear."""
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            columns = [
                f.column
                for f in model._meta.concrete_fields
                if f.get_internal_type() in ("CharField", "TextField", "JSONField")
            ]
            if not columns:
                continue
            pk = model._meta.pk.column
            cursor.execute(f'SELECT "{pk}", ' + ", ".join(f'"{c}"' for c in columns) + f' FROM "{table}"')
            for row in cursor.fetchall():
                for column, value in zip(columns, row[1:], strict=False):
                    text = value if isinstance(value, str) else str(value or "")
                    for number in person_numbers:
                        if number and number in text:
                            found.append((table, column, row[0]))
    return found


def test_no_table_holds_an_id_or_phone_number_in_clear(world):
    numbers = {p.id_number for p in Person.objects.all()} | {p.phone for p in Person.objects.all() if p.phone}
    numbers |= {u.phone for u in apps.get_model("accounts", "User").objects.all() if u.phone}
    assert len(numbers) > 10
    assert _plain_values(numbers) == []


def test_id_numbers_are_masked_on_every_page_of_the_matrix_and_in_no_url(world):
    """Every GET page of the access matrix, for every role but the unit that owns the people
    (who types and corrects them on its own people page), shows no ID number in full; no link on
    any page carries one."""
    from django.utils import timezone

    from tests.security.test_access_matrix import NOT_DEPLOYED, ROLES, _text, kwargs_for, url_patterns

    numbers = [p.id_number for p in Person.objects.all()]
    pattern = re.compile("|".join(re.escape(n) for n in numbers))
    o = dict(
        world["objects"],
        unit_a=world["objects"]["studio"].unit,
        unit_a_user=world["users"]["unit_a"],
        today=timezone.localdate(),
    )
    pages = [reverse(name, kwargs=kwargs_for(name, p, o)) for name, p in url_patterns() if name not in NOT_DEPLOYED]
    for role in ROLES:
        client = Client()
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
        for url in pages:
            if role == "unit_a" and url.startswith("/unit/people/"):
                continue  # the unit's own register of its people, where it enters the numbers
            response = client.get(url)
            if response.status_code != 200 or response.get("Content-Type", "").startswith("application/pdf"):
                continue
            text = _text(response)  # pages, and Excel exports cell by cell
            hit = pattern.search(text)
            assert hit is None, f"{role} 在 {url} 看到了完整身份证号"
            for href in re.findall(r'href="([^"]+)"', text):
                assert not pattern.search(href)


def test_a_submitted_snapshot_keeps_the_engine_input_sealed_and_replayable(world):
    from masterstudio.core.crypto import unseal_personal

    snapshot = world["objects"]["snapshot"]
    leader = world["objects"]["application"].leader
    stored = snapshot.engine_input
    assert stored["leader"]["id_number"].startswith("fernet:")
    assert leader.id_number not in str(stored)
    assert unseal_personal(stored)["leader"]["id_number"] == leader.id_number


def test_exports_for_staff_carry_no_id_number(world):
    numbers = [p.id_number for p in Person.objects.all()]
    client = Client()
    client.force_login(world["users"]["reviewer"])
    for url in (
        "/applications/manage/export.xlsx",
        "/funding/?format=xlsx",
        "/ledger/?format=xlsx",
        "/manage/activity/?export=xlsx",
        "/dashboards/?format=xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        assert text and not any(n in text for n in numbers), url
