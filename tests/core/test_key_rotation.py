"""Rotation of FIELD_ENCRYPTION_KEY: the new key first, old ones still read, a command re-encrypts."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from masterstudio.core.crypto import SEALED_PREFIX, blind_index, decrypt, seal_personal
from masterstudio.units.models import Person
from tests.factories import make_person, make_unit

OLD = settings.FIELD_ENCRYPTION_KEY
NEW = Fernet.generate_key().decode()


def _stored(person) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id_number FROM {Person._meta.db_table} WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_rotation_reads_old_writes_new_and_keeps_the_blind_index(capsys):
    unit = make_unit("轮换测试单位", "91110302MA00ROT01X")
    person = make_person(unit, "李轮换")
    number, index = person.id_number, person.id_index
    assert index == blind_index(number)
    sealed = seal_personal({"leader": {"id_number": number}})

    rotated_keys = dict(FIELD_ENCRYPTION_KEYS=[NEW, OLD], FIELD_ENCRYPTION_KEY=NEW, BLIND_INDEX_KEY=OLD)
    with override_settings(**rotated_keys):
        # the old key still reads what it wrote
        assert Person.objects.get(pk=person.pk).id_number == number
        with pytest.raises(InvalidToken):
            Fernet(NEW.encode()).decrypt(_stored(person).encode())

        call_command("rotate_field_key", "--check")
        assert "尚待重新加密" in capsys.readouterr().out
        call_command("rotate_field_key")
        out = capsys.readouterr().out
        assert "已重新加密" in out and "Person" in out

        assert Fernet(NEW.encode()).decrypt(_stored(person).encode()).decode() == number
        again = Person.objects.get(pk=person.pk)
        assert again.id_number == number and again.id_index == index == blind_index(number)
        call_command("rotate_field_key", "--check")
        assert "尚待重新加密：共 0 项" in capsys.readouterr().out

    # with the old key removed, the rotated data still reads and the look-up still finds the person
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW], FIELD_ENCRYPTION_KEY=NEW, BLIND_INDEX_KEY=OLD):
        assert Person.objects.get(pk=person.pk).id_number == number
        assert Person.objects.filter(id_index=blind_index(number)).count() == 1
        # what only the old key wrote can no longer be read, and says so
        with pytest.raises(ValueError, match="FIELD_ENCRYPTION_KEY 中没有加密时使用的密钥"):
            decrypt(sealed["leader"]["id_number"][len(SEALED_PREFIX) :])
