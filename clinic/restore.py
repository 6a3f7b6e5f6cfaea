"""Restore a backup written by ``clinic.backups`` into the configured database, and prove it.

Everything that can refuse is checked before anything is written: the copy's checksum,
the engine, whether DATA_KEYS can decrypt the backup, and that the database is empty.
After writing, the restored database is read back and compared with the manifest.
"""

import logging
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clinic.backups import (
    KEY_CHECK_MARKER,
    BackupError,
    engine_name,
    file_sha256,
    migration_state,
    pg_environment,
    pg_tool,
    product_tables,
    read_manifest,
    table_figures,
)
from clinic.encryption import DataKeyError, EncryptedTextField, decrypt_text

logger = logging.getLogger(__name__)

# Rows that `migrate` writes itself into a new database; they are rebuilt from the code,
# so a migrated database with nothing else in it still counts as empty.
WRITTEN_BY_MIGRATE = {"django_content_type", "auth_permission"}


class RestoreRefused(BackupError):
    """The restore stopped before writing anything."""


class RestoreFailed(BackupError):
    """Something was written, but the restored database does not match the manifest."""


def restore(folder) -> list[str]:
    """Restore the backup in ``folder`` into the configured, empty database.

    Raises RestoreRefused (nothing written) or RestoreFailed; returns what was verified.
    """
    folder = Path(folder).resolve()
    try:
        manifest = read_manifest(folder)
    except BackupError as error:
        raise RestoreRefused(str(error)) from None
    dump = folder / Path(manifest["dump"]["file"]).name
    if not dump.is_file():
        raise RestoreRefused(f"The backup's copy {dump} is missing.")
    checksum = file_sha256(dump)
    if checksum != manifest["dump"]["sha256"]:
        raise RestoreRefused(
            f"{dump.name} does not match its manifest (sha256 {checksum[:12]}, the manifest "
            f"says {manifest['dump']['sha256'][:12]}): the copy is damaged or was changed. "
            "Nothing was restored; use another backup."
        )
    if manifest["engine"] != engine_name():
        raise RestoreRefused(
            f"This backup is of a {manifest['engine']} database, and DATABASE_URL selects "
            f"{engine_name()}. Nothing was restored."
        )
    _refuse_unless_keys_decrypt(manifest)
    existing = _refuse_unless_empty()
    newer = [table for table in existing if table not in manifest["tables"]]
    if newer and manifest["engine"] == "postgresql":
        # pg_restore would leave them beside the backup's older migration state.
        raise RestoreRefused(
            f"{database_label()} was migrated by a newer version than the backup's (it has "
            f"tables the backup does not: {', '.join(newer[:3])}). Restore into a new, "
            "unmigrated database, then run manage.py migrate. Nothing was restored."
        )

    connection.close()
    if manifest["engine"] == "sqlite":
        _sqlite_restore(dump)
    else:
        _postgresql_restore(dump, clean=bool(existing))
    connection.close()  # the next query sees the restored database

    verified = [
        f"The copy matches its manifest (sha256 {checksum[:12]}).",
        f"DATA_KEYS decrypts this backup (made {manifest['created_at']}).",
    ]
    verified += _verify(manifest)
    logger.info("Backup restored from %s into %s", folder.name, database_label())
    return verified


def database_label() -> str:
    settings_dict = connection.settings_dict
    if engine_name() == "sqlite":
        return f"the SQLite database {settings_dict['NAME']}"
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"the PostgreSQL database {settings_dict['NAME']} on {host}:{port}"


def _refuse_unless_keys_decrypt(manifest: dict) -> None:
    try:
        marker = decrypt_text(manifest["key_check"])
    except DataKeyError:
        marker = None
    if marker != KEY_CHECK_MARKER:
        raise RestoreRefused(
            "The keys in DATA_KEYS cannot decrypt this backup: it was made with another data "
            "key. Set DATA_KEYS to the key that was in use when the backup was written "
            f"({manifest['created_at']}); it may stand after the current key "
            "(DATA_KEYS=current,old). Nothing was restored."
        )


def _refuse_unless_empty() -> list[str]:
    """Refuse unless the configured database holds no rows of the product's tables;
    returns the product's tables that exist (empty)."""
    if engine_name() == "sqlite" and not Path(connection.settings_dict["NAME"]).exists():
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        existing = [table for table in product_tables() if table in present]
        holding_rows = []
        for table in existing:
            if table in WRITTEN_BY_MIGRATE:
                continue
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                holding_rows.append(table)
    connection.close()
    if holding_rows:
        raise RestoreRefused(
            f"{database_label()} is not empty: {len(holding_rows)} of its tables hold rows "
            f"({', '.join(holding_rows[:3])}{', ...' if len(holding_rows) > 3 else ''}). "
            "A backup is restored only into an empty database, so nothing is overwritten: "
            "point DATABASE_URL at a new database (or a SQLite file that does not exist "
            "yet). Nothing was restored."
        )
    return existing


def _sqlite_restore(dump: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)
    destination = sqlite3.connect(target, timeout=20)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
    target.chmod(0o600)


def _postgresql_restore(dump: Path, *, clean: bool) -> None:
    pg_restore = pg_tool("pg_restore", connection.pg_version // 10000)
    connection.close()
    # One transaction: a restore that fails half way leaves the database as it was.
    command = [str(pg_restore), "--no-owner", "--no-acl", "--single-transaction"]
    if clean:
        # The tables exist, empty (a migrated database): replaced by the backup's own.
        command += ["--clean", "--if-exists"]
    command += ["--no-password", f"--dbname={connection.settings_dict['NAME']}", str(dump)]
    done = subprocess.run(  # noqa: S603 - our own arguments, no shell
        command, env=pg_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RestoreFailed(
            f"pg_restore failed and rolled back; {database_label()} is as it was.\n"
            f"{done.stderr.strip()}"
        )


def _verify(manifest: dict) -> list[str]:
    expected = manifest["tables"]
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        missing = sorted(table for table in expected if table not in present)
        tables = {table: figures["pk"] for table, figures in expected.items() if table in present}
        restored = table_figures(cursor, connection.ops.quote_name, tables)
        migrations = migration_state(cursor)
    differing = [table for table in tables if restored[table] != expected[table]]
    if missing or differing:
        raise RestoreFailed(
            f"The restored database does not match the manifest: missing tables {missing}, "
            "differing tables "
            + ", ".join(
                f"{t} ({restored[t]['rows']} rows, manifest {expected[t]['rows']})"
                for t in differing
            )
        )
    if migrations != manifest["migrations"]:
        raise RestoreFailed("The restored migration state differs from the manifest's.")
    rows = sum(figures["rows"] for figures in restored.values())
    lines = [f"{len(restored)} tables, {rows} rows: the rows and their ids equal the manifest's."]
    lines.append(_decrypt_one_per_field())
    lines.append(_migrations_against_code())
    return lines


def _decrypt_one_per_field() -> str:
    fields = [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
    decrypted = 0
    for model, name in fields:
        rows = model._base_manager.exclude(**{name: ""}).filter(**{f"{name}__isnull": False})
        try:
            # Reading decrypts; the text is not kept or shown.
            found = rows.order_by("pk").values_list(name, flat=True).first() is not None
        except DataKeyError:
            raise RestoreFailed(
                f"Restored, but an encrypted {model._meta.label}.{name} does not decrypt with "
                "DATA_KEYS: the backup holds text under a key that is not listed."
            ) from None
        decrypted += found
    return (
        f"Encrypted text decrypts: one value from each of the {decrypted} encrypted fields "
        f"(of {len(fields)}) that hold any."
    )


def _migrations_against_code() -> str:
    executor = MigrationExecutor(connection)
    unknown = set(executor.loader.applied_migrations) - set(executor.loader.graph.nodes)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unknown:
        return (
            f"Migrations: the backup has {len(unknown)} migrations this version does not know: "
            "it was made by a newer version; run that version (or newer) on it."
        )
    if pending:
        return (
            f"Migrations: {len(pending)} migrations of this version are not applied yet: "
            "run manage.py migrate before starting the product."
        )
    return "Migrations: the backup's state is this version's."
