"""Free text that clients write (check-in notes, exercise reflections), encrypted at rest.

The data keys come from ``DATA_KEYS``, never from SECRET_KEY, so a leaked session key does
not open the records and the records can be re-keyed on their own. The first key encrypts;
every key listed decrypts (MultiFernet), which is how a key is rotated:
put the new key first, run ``manage.py rotate_data_key``, then drop the old one.
"""

import base64
import binascii
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models, transaction
from django.db.models.lookups import Exact, IsNull


class DataKeyError(RuntimeError):
    """Stored text cannot be decrypted with the configured keys.

    Raised rather than returning the ciphertext, so a wrong key is never shown as data
    or written back over it.
    """


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise DataKeyError("DATA_KEYS is empty: encrypted text can be neither read nor written.")
    return MultiFernet([Fernet(key) for key in keys])


def data_fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.DATA_KEYS))


def encrypt_text(text: str) -> str:
    return data_fernet().encrypt(text.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return data_fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DataKeyError(
            "Stored text could not be decrypted: DATA_KEYS does not hold the key it was "
            "encrypted with."
        ) from None


class EmptyOnlyExact(Exact):
    """``note=""`` works; ``note="some text"`` could never match a token, so it is refused."""

    def get_db_prep_lookup(self, value, connection):
        if value not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: it can only be compared with ''."
            )
        return super().get_db_prep_lookup(value, connection)


class EncryptedTextField(models.TextField):
    """A TextField stored as a Fernet token.

    The empty string stays empty, so "has a note" remains a plain query
    (``exclude(note="")``); any other text is unreadable without a data key. Other
    lookups on the content are refused: every token is different, so they would
    silently match nothing.
    """

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(f"{self.name} is encrypted: only '' and isnull can be queried.")

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt_text(value)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt_text(value)


def encrypt_plaintext_column(connection, table: str, column: str, chunk: int = 1000) -> int:
    """Encrypt the rows of ``table.column`` that are still plain text; returns how many.

    Used by the migration that turned the column into an EncryptedTextField, and by
    ``rotate_data_key`` for rows an old process may have written since. Raw SQL, because the
    field itself would try to decrypt plain text; a transaction per chunk of rows, so a
    large table is neither held in memory nor locked as a whole.
    """
    qn = connection.ops.quote_name
    select = (
        f"SELECT id, {qn(column)} FROM {qn(table)} "  # noqa: S608 - names from our own models
        f"WHERE id > %s AND {qn(column)} <> '' ORDER BY id"
    )
    update = f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s"  # noqa: S608
    changed, last_id = 0, 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"{select} LIMIT {int(chunk)}", [last_id])
            rows = cursor.fetchall()
            if not rows:
                return changed
            plain = [(encrypt_text(text), pk) for pk, text in rows if not looks_like_token(text)]
            if plain:
                cursor.executemany(update, plain)
        changed += len(plain)
        last_id = rows[-1][0]


def looks_like_token(text: str) -> bool:
    """Whether stored text has the shape of a Fernet token, whichever key made it.

    Judged by shape rather than by decrypting, so a row under a key no longer listed is
    not taken for plain text and encrypted a second time.
    """
    try:
        raw = base64.urlsafe_b64decode(text.encode())
    except (ValueError, binascii.Error):
        return False
    # version byte, 8-byte time, 16-byte IV, whole AES blocks, 32-byte HMAC
    return len(raw) >= 73 and raw[0] == 0x80 and (len(raw) - 57) % 16 == 0
