import hashlib

from rest_framework.throttling import SimpleRateThrottle


class LoginPerIPThrottle(SimpleRateThrottle):
    scope = "login_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginPerAccountThrottle(SimpleRateThrottle):
    """Slows guessing at one account from many addresses."""

    scope = "login_account"

    def get_cache_key(self, request, view):
        email = request.data.get("email") if isinstance(request.data, dict) else None
        if not isinstance(email, str) or not email:
            return None
        # The cache key holds a hash, not the address.
        ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
