"""API tokens that end like the browser sessions of the same person.

A member of staff's token ends after STAFF_IDLE_TIMEOUT without use, as their session in the
browser does; a client's after API_TOKEN_TTL_DAYS, so the phone app does not ask them to
sign in every day. Using a token moves its end forward.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.settings import knox_settings

# A staff token's end moves at most once a minute: a database write per request is waste.
STAFF_REFRESH_SECONDS = 60


def token_ttl_for(user) -> timedelta:
    return settings.STAFF_IDLE_TIMEOUT if user.role in user.STAFF_ROLES else knox_settings.TOKEN_TTL


class RoleAwareTokenAuthentication(TokenAuthentication):
    def renew_token(self, auth_token) -> None:
        ttl = token_ttl_for(auth_token.user)
        new_expiry = timezone.now() + ttl
        is_staff = ttl == settings.STAFF_IDLE_TIMEOUT
        least = STAFF_REFRESH_SECONDS if is_staff else knox_settings.MIN_REFRESH_INTERVAL
        if (new_expiry - auth_token.expiry).total_seconds() > least:
            auth_token.expiry = new_expiry
            auth_token.save(update_fields=("expiry",))


class RoleAwareTokenScheme(KnoxTokenScheme):
    """The OpenAPI description of the same header as knox's."""

    target_class = "clinic.api.auth.RoleAwareTokenAuthentication"
