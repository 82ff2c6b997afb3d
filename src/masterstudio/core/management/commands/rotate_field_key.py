"""Re-encrypt personal information under the first key of FIELD_ENCRYPTION_KEY (key rotation).

Put the new key first (``FIELD_ENCRYPTION_KEY=new,old``) on every server, run this command once,
then remove the old key. Every encrypted column (core.crypto.EncryptedTextField) and every sealed
value in a JSON record (core.crypto.seal_personal) is read with whichever key wrote it and written
again with the new one; rows already under the new key are left alone, so a second run (or one
interrupted and started again) changes nothing it need not. The event log is append-only and holds
no personal information, so it is not touched. ``--check`` only counts what is left to rotate.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, models, transaction

from masterstudio.core.crypto import (
    SEALED_PREFIX,
    EncryptedTextField,
    decrypt,
    primary_key_wrote,
    rotate_token,
)

BATCH = 500


def _rotate_json(value):
    """(the value with every sealed string rotated, how many were rotated)."""
    if isinstance(value, dict):
        out, count = {}, 0
        for key, item in value.items():
            out[key], n = _rotate_json(item)
            count += n
        return out, count
    if isinstance(value, list):
        out, count = [], 0
        for item in value:
            rotated, n = _rotate_json(item)
            out.append(rotated)
            count += n
        return out, count
    if isinstance(value, str) and value.startswith(SEALED_PREFIX):
        token = value[len(SEALED_PREFIX) :]
        if not primary_key_wrote(token):
            return SEALED_PREFIX + rotate_token(token), 1
    return value, 0


class Command(BaseCommand):
    help = "用 FIELD_ENCRYPTION_KEY 的第一个密钥重新加密全部个人信息（密钥轮换）"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只统计尚未用新密钥加密的数据，不写入")

    def handle(self, *args, check: bool = False, **options):
        total = 0
        for model in apps.get_models():
            if model._meta.label == "core.Event" or not model._meta.managed or model._meta.proxy:
                continue
            encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            sealed = [f for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
            if not encrypted and not sealed:
                continue
            count = self._rotate_model(model, encrypted, sealed, check=check)
            if count:
                self.stdout.write(f"{model._meta.verbose_name}（{model._meta.label}）：{count} 项")
            total += count
        verb = "尚待重新加密" if check else "已重新加密"
        self.stdout.write(self.style.SUCCESS(f"{verb}：共 {total} 项"))

    def _rotate_model(self, model, encrypted, sealed, *, check: bool) -> int:
        count, last_pk = 0, None
        while True:
            raw_rows = self._raw_batch(model, encrypted, last_pk)
            if not raw_rows:
                return count
            last_pk = raw_rows[-1][0]
            json_rows = {}
            if sealed:
                json_rows = {
                    row[0]: row[1:]
                    for row in model._base_manager.filter(pk__in=[row[0] for row in raw_rows]).values_list(
                        "pk", *[f.attname for f in sealed]
                    )
                }
            with transaction.atomic():
                for pk, *tokens in raw_rows:
                    changes = {}
                    for field, token in zip(encrypted, tokens, strict=False):
                        if token and not primary_key_wrote(token):
                            changes[field.attname] = decrypt(token)  # the field encrypts it under the new key
                    for field, value in zip(sealed, json_rows.get(pk, ()), strict=False):
                        rotated, n = _rotate_json(value)
                        if n:
                            changes[field.attname] = rotated
                    count += len(changes)
                    if changes and not check:
                        model._base_manager.filter(pk=pk).update(**changes)

    @staticmethod
    def _raw_batch(model, encrypted, last_pk) -> list[tuple]:
        """The next rows' primary keys and stored ciphertexts, read past the fields' decryption."""
        quote = connection.ops.quote_name
        table, pk_column = quote(model._meta.db_table), quote(model._meta.pk.column)
        columns = "".join(f", {quote(f.column)}" for f in encrypted)
        where, params = (f" WHERE {pk_column} > %s", [last_pk]) if last_pk is not None else ("", [])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk_column}{columns} FROM {table}{where} ORDER BY {pk_column} LIMIT {BATCH}", params
            )
            return cursor.fetchall()
