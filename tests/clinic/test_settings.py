import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_KEY = "dGVzdC1vbmx5LWRhdGEta2V5LW5vdC1zZWNyZXQtMzI="


# The production environment README.md documents, with its placeholders filled in.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k7Qx2-vN9pL4tR8wZ1mC6yB3hF5jD0sG-aE7uI2oK9nM4qW8xV1cT6rY3pS5lH0",
    "DATA_KEYS": DATA_KEY,
    "ALLOWED_HOSTS": "dashboard.example.org",
    "SITE_URL": "https://dashboard.example.org",
    "NUM_PROXIES": "1",
}


def _start_django(tmp_path, code="print('started')", **env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATA_KEYS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="clinic.settings", VAR_DIR=str(tmp_path), **env_overrides)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_with_debug_off_and_no_secret_key(tmp_path):
    result = _start_django(tmp_path, DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_starts_with_debug_off_and_a_secret_key(tmp_path):
    result = _start_django(tmp_path, DEBUG="false", SECRET_KEY="x" * 50, DATA_KEYS=DATA_KEY)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_one_key_and_keeps_it(tmp_path):
    assert _start_django(tmp_path, DEBUG="true").returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert _start_django(tmp_path, DEBUG="true").returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_refuses_to_start_with_debug_off_and_no_data_key(tmp_path):
    result = _start_django(tmp_path, DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DATA_KEYS must be set when DEBUG is off" in result.stderr
    assert not (tmp_path / "data_key").exists()


def test_refuses_a_data_key_that_is_not_a_fernet_key(tmp_path):
    result = _start_django(
        tmp_path, DEBUG="false", SECRET_KEY="x" * 50, DATA_KEYS=f"{DATA_KEY},not-a-key"
    )
    assert result.returncode != 0
    assert "DATA_KEYS: key 2 is not a Fernet key" in result.stderr


def test_development_generates_one_data_key_and_keeps_it(tmp_path):
    assert _start_django(tmp_path, DEBUG="true").returncode == 0
    key = (tmp_path / "data_key").read_text()
    assert _start_django(tmp_path, DEBUG="true").returncode == 0
    assert (tmp_path / "data_key").read_text() == key
    assert oct((tmp_path / "data_key").stat().st_mode & 0o777) == "0o600"


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    code = (
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = _start_django(tmp_path, code=code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_production_has_hsts_secure_cookies_and_no_browsable_api(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])"
    )
    result = _start_django(tmp_path, code=code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "31536000 True True True ['rest_framework.renderers.JSONRenderer']"
    )


def test_production_without_site_url_is_warned_that_e_mail_links_would_not_work(tmp_path):
    code = "from django.core.management import call_command; call_command('check', '--deploy')"
    env = {**PRODUCTION_ENV, "SITE_URL": "http://127.0.0.1:8000"}
    result = _start_django(tmp_path, code=code, **env)
    assert "outbox.W002" in result.stdout + result.stderr
