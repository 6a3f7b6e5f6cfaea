"""Free text that clients write (check-in notes, exercise reflections), encrypted at rest.

The data keys come from ``DATA_KEYS``, never from SECRET_KEY, so a leaked session key does
not open the records and the records can be re-keyed on their own. The first key encrypts;
every key listed decrypts (MultiFernet), which is how a key is rotated:
put the new key first, run ``manage.py rotate_data_key``, then drop the old one.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models
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


def encrypt_plaintext_column(connection, table: str, column: str) -> int:
    """Encrypt the rows of ``table.column`` that are still plain text; returns how many.

    Used by the migration that turned the column into an EncryptedTextField, with raw SQL
    because the field itself would try to decrypt the plain text.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {qn(column)} FROM {qn(table)} WHERE {qn(column)} <> ''")  # noqa: S608
        rows = cursor.fetchall()
        changed = 0
        for pk, text in rows:
            if _is_token(text):
                continue
            cursor.execute(
                f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s",  # noqa: S608
                [encrypt_text(text), pk],
            )
            changed += 1
    return changed


def _is_token(text: str) -> bool:
    try:
        data_fernet().decrypt(text.encode())
    except InvalidToken:
        return False
    return True
