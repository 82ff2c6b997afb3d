"""Personal information at rest (个人信息保护法): encryption and blind indexes.

ID numbers and phone numbers are stored encrypted with FIELD_ENCRYPTION_KEY (Fernet: AES-128-CBC
with HMAC-SHA256). Equality look-ups (is this ID number already a leader?) use a keyed hash
(HMAC-SHA256) so that the plain value never reaches the database.

Rotation: FIELD_ENCRYPTION_KEY lists the keys, the new one first (settings.FIELD_ENCRYPTION_KEYS).
The first encrypts, all decrypt (MultiFernet); :func:`rotate_token` re-encrypts a token under the
first, which ``manage.py rotate_field_key`` does for every encrypted column and sealed record. The
blind index is keyed by settings.BLIND_INDEX_KEY, which does not move with the rotation.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys() -> tuple[str, ...]:
    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(value: str) -> str:
    return _fernet(_keys()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key removed before re-encryption must fail loudly
        raise ValueError("个人信息解密失败：FIELD_ENCRYPTION_KEY 中没有加密时使用的密钥") from exc


def rotate_token(token: str) -> str:
    """The same plain value encrypted under the first key (unchanged if it already is)."""
    try:
        return _fernet(_keys()).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("个人信息解密失败：FIELD_ENCRYPTION_KEY 中没有加密时使用的密钥") from exc


def primary_key_wrote(token: str) -> bool:
    """Whether ``token`` decrypts under the first key alone (nothing left to rotate)."""
    try:
        Fernet(_keys()[0].encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def blind_index(value: str) -> str:
    """A keyed hash for equality look-ups; never reversible without the key."""
    secret = settings.BLIND_INDEX_KEY  # settings: the last encryption key when not set
    key = hashlib.sha256(("blind-index:" + secret).encode()).digest()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column holding Fernet ciphertext; Python code sees the plain value."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


PERSONAL_KEYS = frozenset({"id_number", "leader_id_number", "phone", "contact_phone"})
SEALED_PREFIX = "fernet:"


def seal_personal(data):
    """A copy of a JSON-like structure (an engine input kept with a decision) in which every value
    under a personal key (ID number, phone) is encrypted, so the record can still be replayed with
    :func:`unseal_personal` but the database never holds the number in clear."""
    if isinstance(data, dict):
        return {
            k: (
                SEALED_PREFIX + encrypt(v)
                if k in PERSONAL_KEYS and isinstance(v, str) and v and not v.startswith(SEALED_PREFIX)
                else seal_personal(v)
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [seal_personal(v) for v in data]
    return data


def unseal_personal(data):
    if isinstance(data, dict):
        return {
            k: (
                decrypt(v[len(SEALED_PREFIX) :])
                if k in PERSONAL_KEYS and isinstance(v, str) and v.startswith(SEALED_PREFIX)
                else unseal_personal(v)
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [unseal_personal(v) for v in data]
    return data
