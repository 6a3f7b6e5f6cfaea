"""Backups taken while clients keep checking in, restored into an empty database.

The product's own commands run as separate processes on fresh databases of the configured
engine (SQLite files, or new PostgreSQL databases on the configured server); refusals that
come before any database is opened run in this process. Rows are counted by the ORM in a
process of their own, not by the code under test. Each test prints what it did and what it
counted (`pytest -s` shows it).
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command

from clinic.backups import prune
from tests import processes

pytestmark = pytest.mark.integration

WRITERS = 3
# Writing goes on this long before the backup starts and after it ends, however long it takes.
WRITING_AROUND_SECONDS = 1.5

# One check-in per transaction, round the active demo clients, as fast as it goes, until
# told to stop (or a minute has passed).
WRITER = """
import json, time
from pathlib import Path
from django.db import transaction
from django.utils import timezone
from clients.models import Client, EmotionLabel
from clients.services import check_in_prepare, check_in_record

clients = list(Client.objects.filter(status=Client.Status.ACTIVE).order_by("pk"))
labels = EmotionLabel.objects.filter(is_active=True)
code = {{c.clinic_id: labels.filter(clinic_id=c.clinic_id).first().code for c in clients}}
committed = []
deadline = time.monotonic() + 60
while time.monotonic() < deadline and not Path({stop!r}).exists():
    client = clients[len(committed) % len(clients)]
    with transaction.atomic():
        draft = check_in_prepare(
            client=client, occurred_at=timezone.now(), emotions=[(code[client.clinic_id], 5)],
            distress=4, note="written during the backup drill",
        )
        check_in_record(draft=draft)
    committed.append(time.time())
    if len(committed) == 1:
        Path({started!r}).touch()
print(json.dumps(committed))
"""

# Rows per table of every installed model, counted by the ORM.
COUNT = """
import json
from django.apps import apps
counts = {}
for model in apps.get_models(include_auto_created=True):
    meta = model._meta
    if meta.managed and not meta.proxy and not meta.swapped:
        counts[meta.db_table] = model._base_manager.count()
print(json.dumps(counts))
"""


@dataclass
class Drill:
    env: dict
    folder: Path
    manifest: dict
    seeded: dict
    final: dict
    committed: list[float]
    backup_window: tuple[float, float]


def _env(folder: Path, database_url: str, **extra) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "DATA_KEYS": ",".join(settings.DATA_KEYS),
        "VAR_DIR": str(folder / "var"),
        "CELERY_BROKER_URL": "filesystem://",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def _shell(env: dict, code: str) -> str:
    return processes.result(processes.start(["manage.py", "shell", "-c", code], env))


def _counts(env: dict) -> dict:
    return processes.last_json(_shell(env, COUNT))


def _run(env: dict, *args: str) -> tuple[int, str, str]:
    process = processes.start(["manage.py", *args], env)
    out, err = process.communicate(timeout=180)
    return process.returncode, out, err


def _sql(url: str, *statements: str) -> list[tuple]:
    """Run statements on the database at ``url`` directly, not through the product;
    returns the last one's rows."""
    if url.startswith("sqlite"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
    else:
        import psycopg

        db = psycopg.connect(url)
    with closing(db):
        for statement in statements:
            cursor = db.execute(statement)
        rows = cursor.fetchall() if cursor.description else []
        db.commit()
    return rows


def _tables(url: str) -> list[str]:
    if url.startswith("sqlite"):
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return sorted(name for (name,) in _sql(url, query))


def _nothing_written(env: dict) -> bool:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        return not Path(url.removeprefix("sqlite:///")).exists()
    return _tables(url) == []


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    """A demo practice, backed up while three clients' apps keep sending check-ins."""
    tmp = tmp_path_factory.mktemp("drill")
    (tmp / "source").mkdir()
    with processes.fresh_database(tmp / "source") as database_url:
        env = _env(tmp / "source", database_url)
        processes.result(processes.start(["manage.py", "migrate", "-v0"], env))
        # Test settings only for the demo's passwords (fast hashing): about 10 s saved.
        seed = ["manage.py", "seed_demo", "--clients", "6", "--weeks", "2", "-v0"]
        processes.result(
            processes.start(seed, {**env, "DJANGO_SETTINGS_MODULE": "clinic.settings_test"})
        )
        seeded = _counts(env)
        markers = [tmp / f"writer-{n}.started" for n in range(WRITERS)]
        stop = tmp / "writers.stop"
        writers = [
            processes.start(
                ["manage.py", "shell", "-c"] + [WRITER.format(started=str(marker), stop=str(stop))],
                env,
            )
            for marker in markers
        ]
        deadline = time.monotonic() + 60
        while not all(m.exists() for m in markers) and time.monotonic() < deadline:
            assert all(w.poll() is None for w in writers), [w.communicate() for w in writers]
            time.sleep(0.05)
        time.sleep(WRITING_AROUND_SECONDS)
        started = time.time()
        out = processes.result(
            processes.start(["manage.py", "backup", "--folder", str(tmp / "backups")], env)
        )
        ended = time.time()
        time.sleep(WRITING_AROUND_SECONDS)
        stop.touch()
        committed = sorted(t for w in writers for t in processes.last_json(processes.result(w)))
        folder = Path(out.splitlines()[0])
        yield Drill(
            env=env,
            folder=folder,
            manifest=json.loads((folder / "manifest.json").read_text()),
            seeded=seeded,
            final=_counts(env),
            committed=committed,
            backup_window=(started, ended),
        )


def test_a_backup_taken_while_clients_write_restores_to_exactly_its_manifest(drill, tmp_path):
    manifest, started, ended = drill.manifest, *drill.backup_window
    during = sum(started <= t <= ended for t in drill.committed)
    dump = drill.folder / manifest["dump"]["file"]
    backed_up = {table: figures["rows"] for table, figures in manifest["tables"].items()}

    with processes.fresh_database(tmp_path) as target_url:
        env = _env(tmp_path, target_url)
        code, out, err = _run(env, "restore", str(drill.folder))
        assert code == 0, err
        restored = _counts(env)

    print(
        f"\n{WRITERS} writers committed {len(drill.committed)} check-ins in "
        f"{drill.committed[-1] - drill.committed[0]:.1f} s, "
        f"{during} of them while `manage.py backup` ran ({ended - started:.1f} s); "
        f"check-ins: {drill.seeded['clients_checkin']} seeded, "
        f"{backed_up['clients_checkin']} in the backup, {drill.final['clients_checkin']} at "
        f"the end; backup: {len(backed_up)} tables, {sum(backed_up.values())} rows, "
        f"{manifest['dump']['bytes']} bytes; restored {sum(restored.values())} rows.\n{out}"
    )
    assert during > 0 and drill.committed[-1] > ended  # the writers outlasted the backup
    assert hashlib.sha256(dump.read_bytes()).hexdigest() == manifest["dump"]["sha256"]
    assert restored == backed_up
    # One moment, not a mix: every check-in the copy holds came with its emotion.
    new_check_ins = restored["clients_checkin"] - drill.seeded["clients_checkin"]
    new_emotions = restored["clients_checkinemotion"] - drill.seeded["clients_checkinemotion"]
    assert 0 < new_check_ins < drill.final["clients_checkin"] - drill.seeded["clients_checkin"]
    assert new_emotions == new_check_ins
    assert "the rows and their ids equal the manifest's" in out
    assert "Migrations: the backup's state is this version's." in out


def test_restore_refuses_a_damaged_copy_and_writes_nothing(drill, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(drill.folder, damaged)
    dump = damaged / drill.manifest["dump"]["file"]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    with processes.fresh_database(tmp_path) as target_url:
        env = _env(tmp_path, target_url)
        code, _, err = _run(env, "restore", str(damaged))
        untouched = _nothing_written(env)
    print(f"\nflipped one byte of {len(data)}; restore exited {code}: {err.strip()}")
    assert code != 0
    assert "does not match its manifest" in err and "Nothing was restored" in err
    assert untouched


def _altered(drill: Drill, tmp_path: Path) -> tuple[Path, int]:
    """A copy of the backup whose manifest counts one check-in more than the copy holds
    (the copy still matches its checksum); returns it and the check-ins the copy holds."""
    altered = tmp_path / "altered"
    shutil.copytree(drill.folder, altered)
    manifest = json.loads((altered / "manifest.json").read_text())
    rows = manifest["tables"]["clients_checkin"]["rows"]
    manifest["tables"]["clients_checkin"]["rows"] = rows + 1
    (altered / "manifest.json").write_text(json.dumps(manifest))
    return altered, rows


def test_a_restore_unlike_its_manifest_is_taken_back_and_says_what_to_do(drill, tmp_path):
    altered, rows = _altered(drill, tmp_path)
    with processes.fresh_database(tmp_path) as target_url:
        env = _env(tmp_path, target_url)
        code, _, err = _run(env, "restore", str(altered))
        untouched = _nothing_written(env)
    print(f"\nrestore of a manifest counting {rows + 1} check-ins exited {code}: {err.strip()}")
    assert code != 0
    assert "Nothing usable was restored" in err
    assert f"clients_checkin has {rows} rows, the manifest says {rows + 1}" in err
    assert "Use another backup" in err and "may have been altered" in err
    assert "[]" not in err
    assert untouched


def test_a_restore_taken_back_leaves_the_operators_own_table(drill, tmp_path):
    altered, _ = _altered(drill, tmp_path)
    with processes.fresh_database(tmp_path) as target_url:
        # A table of the operator's own, which a restore has no business removing.
        _sql(
            target_url,
            "CREATE TABLE keepsake (note VARCHAR(40))",
            "INSERT INTO keepsake VALUES ('the operator''s')",
        )
        code, _, err = _run(_env(tmp_path, target_url), "restore", str(altered))
        after = _tables(target_url), _sql(target_url, "SELECT note FROM keepsake")
    print(f"\nrestore exited {code}; the database holds {after}\n{err.strip()}")
    assert code != 0 and "Nothing usable was restored" in err
    assert after == (["keepsake"], [("the operator's",)])


def test_restore_names_a_folder_that_does_not_exist(tmp_path):
    missing = (tmp_path / "backups" / "2026-12-01T030000Z").resolve()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(missing))
    print(f"\n{refused.value}")
    assert f"There is no folder {missing}" in str(refused.value)
    assert "manifest" not in str(refused.value)


def test_restore_given_the_copy_file_reads_the_backup_in_its_folder(drill, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(drill.folder, damaged)
    copy = damaged / drill.manifest["dump"]["file"]
    copy.write_bytes(copy.read_bytes() + b"\0")
    stray = tmp_path / "elsewhere" / copy.name
    stray.parent.mkdir()
    shutil.copy(drill.folder / copy.name, stray)

    # Refused by the checksum in the folder's manifest: the folder was found and read.
    with pytest.raises(CommandError) as damaged_refused:
        call_command("restore", str(copy))
    with pytest.raises(CommandError) as stray_refused:
        call_command("restore", str(stray))
    print(f"\ngiven the copy: {damaged_refused.value}\ngiven a stray file: {stray_refused.value}")
    assert f"{copy.name} does not match its manifest" in str(damaged_refused.value)
    assert "give the backup's folder" in str(stray_refused.value)
    assert "Not a directory" not in str(stray_refused.value)


def test_restore_refuses_a_database_that_is_not_empty(drill):
    before = _counts(drill.env)
    code, _, err = _run(drill.env, "restore", str(drill.folder))
    after = _counts(drill.env)
    print(f"\nrestore into the practice's own database exited {code}: {err.strip()}")
    print(f"rows before {sum(before.values())}, after {sum(after.values())}")
    assert code != 0
    assert "is not empty" in err and "Nothing was restored" in err
    url = drill.env["DATABASE_URL"]
    named = url.removeprefix("sqlite:///") if url.startswith("sqlite") else url.rsplit("/", 1)[-1]
    assert named in err
    assert after == before


def test_restore_refuses_keys_that_cannot_decrypt_the_backup(drill, tmp_path):
    other_key = Fernet.generate_key().decode()
    with processes.fresh_database(tmp_path) as target_url:
        env = _env(tmp_path, target_url, DATA_KEYS=other_key)
        code, _, err = _run(env, "restore", str(drill.folder))
        untouched = _nothing_written(env)
        print(f"\nrestore with another data key exited {code}: {err.strip()}")
        assert code != 0
        assert "DATA_KEYS cannot decrypt this backup" in err and "another data key" in err
        assert untouched
        # After a rotation the old key, listed after the new one, still opens it.
        env["DATA_KEYS"] = f"{other_key},{','.join(settings.DATA_KEYS)}"
        code, out, err = _run(env, "restore", str(drill.folder))
    print(f"with the new key first and the old one after: exited {code}\n{out}")
    assert code == 0, err
    assert "DATA_KEYS decrypts this backup" in out


def test_the_nightly_task_writes_into_backup_dir_and_keeps_backup_keep(drill, tmp_path):
    backups = tmp_path / "backups"
    for day in (1, 2, 3):
        old = backups / f"2020-01-0{day}T030000Z"
        old.mkdir(parents=True)
        (old / "manifest.json").write_text(json.dumps({"created_at": f"2020-01-0{day}T03:00Z"}))
    env = {**drill.env, "BACKUP_DIR": str(backups), "BACKUP_KEEP": "2"}
    task = "from clinic.backup_tasks import backup_nightly; print(backup_nightly())"
    written = _shell(env, task).strip().splitlines()[-1]
    kept = sorted(path.name for path in backups.iterdir())
    print(f"\nnightly task wrote {written}; kept {kept}")
    assert kept == ["2020-01-03T030000Z", written]
    assert (backups / written / "manifest.json").is_file()


def test_prune_keeps_the_newest_n_and_only_touches_backups(tmp_path):
    for day in range(1, 6):
        folder = tmp_path / f"2026-11-0{day}T030000Z"
        folder.mkdir()
        (folder / "manifest.json").write_text(json.dumps({"created_at": f"2026-11-0{day}T03:00Z"}))
    (tmp_path / "2026-10-01-operator-copy").mkdir()  # no manifest: not ours to delete
    (tmp_path / ".2026-11-06T030000Z.partial").mkdir()  # a backup being written
    (tmp_path / "notes.txt").write_text("the operator's")

    deleted = prune(tmp_path, 2)

    print(f"\npruned {[p.name for p in deleted]}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".2026-11-06T030000Z.partial",
        "2026-10-01-operator-copy",
        "2026-11-04T030000Z",
        "2026-11-05T030000Z",
        "notes.txt",
    ]
    assert len(deleted) == 3


SCHEDULE = """
import json
from django.conf import settings
from clinic.celery import app
app.loader.import_default_modules()
entry = settings.CELERY_BEAT_SCHEDULE.get("backup-nightly")
print(json.dumps({
    "task": entry and entry["task"],
    "at": entry and [sorted(entry["schedule"].hour), sorted(entry["schedule"].minute)],
    "registered": "clinic.backup_tasks.backup_nightly" in app.tasks,
    "dir": str(settings.BACKUP_DIR), "keep": settings.BACKUP_KEEP,
}))
"""


def test_the_nightly_backup_is_scheduled_on_the_one_machine_defaults(tmp_path):
    sqlite = _schedule(tmp_path)
    postgresql = _schedule(tmp_path, DATABASE_URL="postgres://clinic@db.internal:5432/clinic")
    asked = _schedule(
        tmp_path, DATABASE_URL="postgres://clinic@db.internal:5432/clinic", BACKUP_NIGHTLY="true"
    )
    print(f"\nSQLite defaults: {sqlite}\nPostgreSQL: {postgresql}\nasked for: {asked}")
    assert sqlite == {
        "task": "clinic.backup_tasks.backup_nightly",
        "at": [[3], [0]],
        "registered": True,
        "dir": str(tmp_path / "backups"),
        "keep": 7,
    }
    assert postgresql["task"] is None and postgresql["registered"]
    assert asked["task"] == "clinic.backup_tasks.backup_nightly"


def _schedule(tmp_path: Path, **overrides) -> dict:
    """The schedule that settings make from this environment, the test's own variables unset."""
    unset = {"DATABASE_URL", "BACKUP_DIR", "BACKUP_KEEP", "BACKUP_NIGHTLY", "CELERY_BROKER_URL"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DJANGO_SETTINGS_MODULE="clinic.settings", VAR_DIR=str(tmp_path), **overrides)
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{SCHEDULE}"],
        cwd=processes.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return processes.last_json(done.stdout)
