"""The shared cache of several web nodes holds counts only (the API's throttles, the
"Forgot password?" limits), and every API request reads one. When Redis cannot be reached,
a request goes through uncounted rather than failing: a client's check-in, a safety answer
above all, must not depend on a counter. Nothing else is kept in the cache.

Django's own Redis backend raises on a lost connection and has no setting to do otherwise.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 60


class CountsRedisCache(RedisCache):
    """Django's Redis backend for counts: reads give their default, writes are skipped and
    ``incr`` says the key is missing while Redis is away; a warning at most once a minute
    per process."""

    _warned_at = float("-inf")

    def _unreachable(self, error: RedisError) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            type(self)._warned_at = now
            logger.warning("Cache unreachable; limits are not counted (%s)", type(error).__name__)

    def reachable(self) -> bool:
        """Whether Redis answers now (for ``/healthz``)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError as error:
            self._unreachable(error)
            return False

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._unreachable(error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            self._unreachable(error)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._unreachable(error)
            return True  # as if counting started now: the caller goes on

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._unreachable(error)
            raise ValueError("Not counted: the cache cannot be reached.") from error

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            self._unreachable(error)
            return False
