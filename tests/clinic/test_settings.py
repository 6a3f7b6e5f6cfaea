import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start_django(tmp_path, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="clinic.settings", VAR_DIR=str(tmp_path), **env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
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
    result = _start_django(tmp_path, DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_one_key_and_keeps_it(tmp_path):
    assert _start_django(tmp_path, DEBUG="true").returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert _start_django(tmp_path, DEBUG="true").returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
