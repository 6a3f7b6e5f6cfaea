"""Backups of the whole database, each with a manifest that a restore checks itself against.

One folder per backup under BACKUP_DIR (``2026-12-01T030000Z/``) holds the copy
(``database.sqlite3``, or ``database.dump`` in pg_dump's custom format) and
``manifest.json``: the engine, when, the migration state, rows and a checksum of the ids
per table, a checksum of the copy, and a key check (a fixed marker encrypted with the
current data key). The figures are taken from the same moment as the copy, so a restore
can prove it got back exactly what was written. The manifest holds no record's content.

The clients' notes stay encrypted in the copy, as in the database; everything else in it
(names, ratings, appointments) is as readable as the database itself.
"""

import glob
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.db import connection

from clinic.encryption import encrypt_text

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FORMAT = 1
KEY_CHECK_MARKER = "clinic-backup-key-check"
SQLITE = "django.db.backends.sqlite3"
# Connection options that pg_dump and pg_restore read from the environment instead.
PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


class BackupError(Exception):
    """A backup could not be written, or a restore refused or failed; the message says why."""


@dataclass(frozen=True)
class Backup:
    folder: Path
    manifest: dict

    @property
    def rows(self) -> int:
        return sum(table["rows"] for table in self.manifest["tables"].values())

    def summary(self) -> str:
        dump = self.manifest["dump"]
        return (
            f"{len(self.manifest['tables'])} tables, {self.rows} rows, "
            f"{_size(dump['bytes'])}, sha256 {dump['sha256'][:12]}"
        )


def engine_name() -> str:
    return "sqlite" if connection.settings_dict["ENGINE"] == SQLITE else "postgresql"


def product_tables() -> dict[str, str]:
    """Every table of every installed model (many-to-many tables too): {table: pk column}."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            tables.setdefault(meta.db_table, meta.pk.column)
    return dict(sorted(tables.items()))


def table_figures(cursor, quote, tables: dict[str, str]) -> dict[str, dict]:
    """Rows and a sha256 of the primary keys, per table, read through any DB-API cursor.

    The same function reads the copy when it is written and the database once restored,
    so equal figures mean the same rows came back. Integer keys stream in the database's
    order; other keys (session keys, token digests) are sorted here, so a database with
    another collation gives the same checksum.
    """
    figures = {}
    for table, pk in tables.items():
        cursor.execute(f"SELECT {quote(pk)} FROM {quote(table)} ORDER BY 1")  # noqa: S608
        digest, rows, unsorted = hashlib.sha256(), 0, []
        while chunk := cursor.fetchmany(5000):
            rows += len(chunk)
            for (value,) in chunk:
                if isinstance(value, int):
                    digest.update(f"{value}\n".encode())
                else:
                    unsorted.append(str(value))
        for value in sorted(unsorted):
            digest.update(f"{value}\n".encode())
        figures[table] = {"pk": pk, "rows": rows, "ids_sha256": digest.hexdigest()}
    return figures


def migration_state(cursor) -> dict[str, str]:
    """The latest migration applied per app, as the database records it."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(sorted({app: name for app, name in cursor.fetchall()}.items()))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} holds no {MANIFEST}: it is not a backup folder.") from None
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder}/{MANIFEST} cannot be read: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}/{MANIFEST} has an unknown format: {manifest.get('format')}")
    return manifest


def backup_write(folder) -> Path:
    """Write a consistent copy of the database and its manifest into a new folder inside
    ``folder``, while the product keeps running; returns the new folder."""
    parent = Path(folder).resolve()
    parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = datetime.now(UTC).replace(microsecond=0)
    name = now.strftime("%Y-%m-%dT%H%M%SZ")
    suffix = 1
    while (parent / name).exists():
        suffix += 1
        name = f"{now:%Y-%m-%dT%H%M%SZ}-{suffix}"
    # Written under a hidden name and renamed when complete: a half-written backup never
    # looks like one, to a restore or to prune.
    partial = parent / f".{name}.partial"
    partial.mkdir(mode=0o700)
    try:
        if engine_name() == "sqlite":
            dump, figures, migrations, extra = _sqlite_copy(partial / "database.sqlite3")
        else:
            dump, figures, migrations, extra = _postgresql_dump(partial / "database.dump")
        dump.chmod(0o600)
        manifest = {
            "format": FORMAT,
            "engine": engine_name(),
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "dump": {"file": dump.name, "bytes": dump.stat().st_size, "sha256": file_sha256(dump)},
            "migrations": migrations,
            "tables": figures,
            # Whoever restores learns before writing anything whether their keys open it.
            "key_check": encrypt_text(KEY_CHECK_MARKER),
            **extra,
        }
        manifest_path = partial / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
        manifest_path.chmod(0o600)
        partial.rename(parent / name)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    backup = Backup(parent / name, manifest)
    logger.info("Backup written: %s (%s)", backup.folder, backup.summary())
    return backup.folder


def _sqlite_copy(target: Path):
    source_path = Path(connection.settings_dict["NAME"])
    if not source_path.is_file():
        raise BackupError(f"There is no SQLite database at {source_path}.")
    # A connection of its own, outside any transaction of Django's. One backup step
    # copies every page under one read transaction: WAL lets writers go on meanwhile.
    source = sqlite3.connect(source_path, timeout=20)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # One self-contained file, with no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        present = {row[0] for row in cursor.fetchall()}
        tables = {t: pk for t, pk in product_tables().items() if t in present}
        figures = table_figures(cursor, _sqlite_quote, tables)
        migrations = migration_state(cursor)
    finally:
        copy.close()
        source.close()
    return target, figures, migrations, {"sqlite": {"version": sqlite3.sqlite_version}}


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _postgresql_dump(target: Path):
    import psycopg
    from psycopg import sql

    with psycopg.connect(**connection.get_connection_params()) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        server_major = conn.info.server_version // 10000
        pg_dump = pg_tool("pg_dump", server_major)
        with conn.transaction(), conn.cursor() as cursor:
            # The snapshot's first statement fixes what this transaction sees; pg_dump
            # joins the same snapshot, so the counts below describe the dump exactly.
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            present = {row[0] for row in cursor.fetchall()}
            tables = {t: pk for t, pk in product_tables().items() if t in present}
            figures = table_figures(
                cursor, lambda name: sql.Identifier(name).as_string(conn), tables
            )
            migrations = migration_state(cursor)
            command = [str(pg_dump), "--format=custom", f"--snapshot={snapshot}"]
            command += ["--no-password", f"--file={target}"]
            done = subprocess.run(  # noqa: S603 - our own arguments, no shell
                command, env=pg_environment(), capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        version = conn.info.parameter_status("server_version")
    return target, figures, migrations, {"postgresql": {"server_version": version}}


def pg_environment() -> dict[str, str]:
    """How pg_dump and pg_restore reach the configured database: the environment, so no
    password shows in a process list."""
    settings_dict = connection.settings_dict
    env = {**os.environ, "PGDATABASE": settings_dict["NAME"] or ""}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    for option, variable in PG_OPTION_ENV.items():
        if option in settings_dict.get("OPTIONS", {}):
            env[variable] = str(settings_dict["OPTIONS"][option])
    return env


def pg_tool(name: str, server_major: int) -> Path:
    """pg_dump or pg_restore of the server's major version, else the newest installed one
    that is not older than the server (an older one refuses to dump a newer server)."""
    found = {}
    for path in glob.glob(f"/usr/lib/postgresql/*/bin/{name}"):
        major = Path(path).parent.parent.name
        if major.isdigit():
            found[int(major)] = Path(path)
    if server_major in found:
        return found[server_major]
    newer = [major for major in found if major > server_major]
    if newer:
        return found[max(newer)]
    on_path = shutil.which(name)
    if on_path:
        version = subprocess.run(  # noqa: S603
            [on_path, "--version"], capture_output=True, text=True, check=False
        ).stdout
        match = re.search(r"(\d+)(?:\.\d+)*", version)
        if match and int(match.group(1)) >= server_major:
            return Path(on_path)
    raise BackupError(
        f"No {name} of PostgreSQL {server_major} or newer was found (looked in "
        f"/usr/lib/postgresql/*/bin and on PATH): install the PostgreSQL client tools."
    )


def backups_in(folder) -> list[Path]:
    """The backups in ``folder``, oldest first: folders that hold a manifest."""
    parent = Path(folder)
    if not parent.is_dir():
        return []
    found = []
    for child in parent.iterdir():
        if child.is_dir() and (child / MANIFEST).is_file():
            try:
                created = json.loads((child / MANIFEST).read_text()).get("created_at", "")
            except (OSError, ValueError):
                created = ""
            found.append((str(created), child.name, child))
    return [path for _, _, path in sorted(found)]


def prune(folder, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``folder``; returns those deleted.

    Only folders holding a manifest are counted or deleted: anything else in the folder
    (the operator's own files, a backup still being written) is left alone.
    """
    if keep < 1:
        raise BackupError("Keep at least one backup (BACKUP_KEEP, --keep).")
    backups = backups_in(folder)
    deleted = backups[: max(len(backups) - keep, 0)]
    for path in deleted:
        shutil.rmtree(path)
        logger.info("Backup deleted, %d kept: %s", keep, path.name)
    return deleted


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    size, unit = count / 1024, "KB"
    for bigger in ("MB", "GB"):
        if size < 1024:
            break
        size, unit = size / 1024, bigger
    return f"{size:.1f} {unit}"
