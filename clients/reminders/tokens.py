"""The signed part of an unsubscribe link: whose, and which kind, by its one-letter code.
Signed with the site's secret, so it cannot be made up or changed; it never expires, as
an old e-mail's link must still work."""

from django.core import signing

from . import registry

SALT = "reminders.unsubscribe"


def unsubscribe_token(user_id: int, kind: str) -> str:
    code = registry.kind_named(kind).code
    return signing.Signer(salt=SALT).sign(f"{user_id}.{code}")


def read_token(token: str) -> tuple[int, registry.ReminderKind] | None:
    """(user id, kind) of a genuine token, or None."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    user_id, _, code = value.partition(".")
    kind = registry.kind_coded(code)
    if not user_id.isdigit() or kind is None:
        return None
    return int(user_id), kind
