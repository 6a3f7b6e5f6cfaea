"""Settings for several web nodes: the cache that throttles and reset limits share.

Each test starts Django in a process of its own with the environment it describes, as a
web node would start.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DATA_KEY = "dGVzdC1vbmx5LWRhdGEta2V5LW5vdC1zZWNyZXQtMzI="
PRINT_CACHE = "from django.conf import settings; import json; print(json.dumps(settings.CACHES))"


def _django(tmp_path, code: str, **env_overrides) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "PYTHONPATH"}}
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings",
        VAR_DIR=str(tmp_path / "var"),
        DEBUG="true",
        SECRET_KEY="x" * 50,
        DATA_KEYS=DATA_KEY,
        **env_overrides,
    )
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_one_machine_keeps_its_counts_in_memory(tmp_path):
    cache = json.loads(_django(tmp_path, PRINT_CACHE))["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_redis_cache_url_is_djangos_own_backend_with_timeouts(tmp_path):
    cache = json.loads(_django(tmp_path, PRINT_CACHE, CACHE_URL="redis://cache.internal:6379/1"))
    assert cache["default"] == {
        "BACKEND": "clinic.cache.CountsRedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }


def test_options_in_the_cache_url_win_over_the_timeouts(tmp_path):
    url = "rediss://:secret@cache.internal:6380/2?socket_timeout=5"
    cache = json.loads(_django(tmp_path, PRINT_CACHE, CACHE_URL=url))["default"]
    assert cache["LOCATION"] == "rediss://:secret@cache.internal:6380/2"
    assert cache["OPTIONS"] == {"socket_connect_timeout": 1, "socket_timeout": 5}


def test_a_key_prefix_in_the_cache_url_is_one_django_reads(tmp_path):
    # Several installations can then share one Redis database without sharing counts.
    url = "redis://cache.internal:6379/1?key_prefix=harbor&timeout=600"
    cache = json.loads(_django(tmp_path, PRINT_CACHE, CACHE_URL=url))["default"]
    assert (cache["KEY_PREFIX"], cache["TIMEOUT"]) == ("harbor", 600)
    assert "key_prefix" not in cache and "timeout" not in cache


def test_redis_cache_stays_djangos_own_when_django_redis_is_installed(tmp_path):
    # django-environ would pick django-redis as soon as it can be imported.
    fake = tmp_path / "site" / "django_redis"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    cache = json.loads(
        _django(
            tmp_path,
            PRINT_CACHE,
            CACHE_URL="redis://cache.internal:6379/1",
            PYTHONPATH=str(tmp_path / "site"),
        )
    )["default"]
    assert cache["BACKEND"] == "clinic.cache.CountsRedisCache"


@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis"),
    reason="needs Redis: runs in the PostgreSQL + Redis configuration (CELERY_BROKER_URL)",
)
def test_two_web_processes_share_the_forgot_password_limit_through_redis(tmp_path):
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    cache_url = f"{settings.CELERY_BROKER_URL}?key_prefix={prefix}"
    ask = (
        "from django.test import RequestFactory; "
        "from clinic.accounts import password_reset_allowed; "
        "request = RequestFactory().post('/', REMOTE_ADDR='192.0.2.7'); "
        "print([password_reset_allowed(request=request, email='someone@example.org') "
        "for _ in range({times})])"
    )
    limit = 3
    try:
        first = _django(
            tmp_path,
            ask.format(times=limit),
            CACHE_URL=cache_url,
            PASSWORD_RESET_HOURLY_LIMIT_PER_ADDRESS=str(limit),
        )
        second = _django(
            tmp_path,
            ask.format(times=1),
            CACHE_URL=cache_url,
            PASSWORD_RESET_HOURLY_LIMIT_PER_ADDRESS=str(limit),
        )
    finally:  # the broker's database: only this test's keys go
        store = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)
    assert first == str([True] * limit)
    assert second == "[False]"  # the other process counted the first three
