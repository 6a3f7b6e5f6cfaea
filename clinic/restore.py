"""Restore a backup written by ``clinic.backups`` into the configured database, and prove it.

Everything that can refuse is checked before anything is written: the copy's checksum,
the engine, whether DATA_KEYS can decrypt the backup, and that the database is empty.
After writing, the restored database is read back and compared with the manifest; if it
does not match, what was written is taken away again, so the database is as it was.
"""

import logging
import re
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clinic.backups import (
    KEY_CHECK_MARKER,
    MANIFEST,
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
ALTERED = (
    "Use another backup (an earlier folder beside this one): this one may have been altered "
    "after it was written."
)


class RestoreRefused(BackupError):
    """The restore stopped before writing anything."""


class RestoreFailed(BackupError):
    """The restore wrote, then failed or did not verify; the message says what was taken back."""


class _Unverified(Exception):
    """The restored database is not the backup's: what differs, and what to do about it."""

    def __init__(self, found: str, advice: str = ALTERED):
        super().__init__(found)
        self.found, self.advice = found, advice


def restore(folder) -> list[str]:
    """Restore the backup in ``folder`` (or the one whose copy it is) into the configured,
    empty database.

    Raises RestoreRefused (nothing written) or RestoreFailed; returns what was verified.
    """
    folder = backup_folder(folder)
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
        undo = _sqlite_restore(dump)
    else:
        undo = _postgresql_restore(dump, replacing=existing)
    connection.close()  # the next query sees the restored database
    try:
        checked = _verify(manifest)
    except _Unverified as failure:
        raise RestoreFailed(
            f"Nothing usable was restored: {failure.found}. {_taken_back(undo)} {failure.advice}"
        ) from None
    except BaseException:
        # Whatever stopped the check, a restore that is not verified is not left in place.
        logger.error("The restore was not verified. %s", _taken_back(undo))
        raise

    verified = [
        f"The copy matches its manifest (sha256 {checksum[:12]}).",
        f"DATA_KEYS decrypts this backup (made {manifest['created_at']}).",
        *checked,
    ]
    logger.info("Backup restored from %s into %s", folder.name, database_label())
    return verified


def backup_folder(path) -> Path:
    """The backup's folder, given the folder or a file in it (the copy, most likely)."""
    path = Path(path).resolve()
    if path.is_dir():
        return path
    if not path.exists():
        raise RestoreRefused(
            f"There is no folder {path}: give the folder of a backup, as manage.py backup "
            f"printed it (the nightly ones are in BACKUP_DIR, {settings.BACKUP_DIR}). "
            "Nothing was restored."
        )
    if (path.parent / MANIFEST).is_file():
        return path.parent
    raise RestoreRefused(
        f"{path} is a file, and its folder holds no {MANIFEST}: give the backup's folder, "
        f"the one that holds {MANIFEST} and the copy. Nothing was restored."
    )


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


def _taken_back(undo: Callable[[], str]) -> str:
    try:
        return undo()
    except Exception as error:
        return (
            f"Taking it back failed ({error}): {database_label()} holds what the restore "
            "wrote, which is not the backup; empty it (delete the SQLite file, or drop the "
            "tables the restore made) before using it."
        )


def _sqlite_restore(dump: Path) -> Callable[[], str]:
    """Copy the backup over the configured SQLite file; returns what takes it back."""
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    before, mode = None, 0o600
    if target.exists():
        # It holds none of the product's rows (else the restore refused), but may hold the
        # operator's own tables: kept, to be put back if the restore does not verify.
        before, mode = sqlite3.connect(":memory:"), target.stat().st_mode
        with closing(sqlite3.connect(target, timeout=20)) as current:
            current.backup(before)

    def undo() -> str:
        connection.close()
        if before is None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                target.with_name(target.name + suffix).unlink(missing_ok=True)
            return f"The file it wrote was removed: {target} does not exist, as before."
        with closing(sqlite3.connect(target, timeout=20)) as current:
            before.backup(current)
        target.chmod(mode)
        return f"{target} was put back as it was before the restore."

    source = sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)
    try:
        with closing(source), closing(sqlite3.connect(target, timeout=20)) as destination:
            source.backup(destination)
        target.chmod(0o600)
    except BaseException:
        _taken_back(undo)  # a copy that stopped half way is no database
        raise
    return undo


def _postgresql_restore(dump: Path, *, replacing: list[str]) -> Callable[[], str]:
    """pg_restore the backup into the configured database; returns what takes it back."""
    with connection.cursor() as cursor:
        before = set(connection.introspection.table_names(cursor))
    pg_restore = pg_tool("pg_restore", connection.pg_version // 10000)
    connection.close()
    # One transaction: a restore that fails half way leaves the database as it was.
    command = [str(pg_restore), "--no-owner", "--no-acl", "--single-transaction"]
    if replacing:
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

    def undo() -> str:
        # The tables it created, and those it replaced (empty, and django_migrations). A
        # dump of the product holds tables with their sequences, indexes and constraints:
        # those go with the tables.
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            now = set(connection.introspection.table_names(cursor))
            written = sorted((now - before) | (now & _tables_in(pg_restore, dump)))
            if written:
                cursor.execute(f"DROP TABLE IF EXISTS {', '.join(map(quote, written))} CASCADE")
        connection.close()
        if replacing:
            return (
                f"The {len(written)} tables it wrote were dropped, with them the empty ones "
                f"manage.py migrate had made: {database_label()} holds none of the product's "
                "tables now."
            )
        return (
            f"The {len(written)} tables it created were dropped: {database_label()} is as it was."
        )

    return undo


def _tables_in(pg_restore: Path, dump: Path) -> set[str]:
    listing = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [str(pg_restore), "--list", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    # "215; 1259 16386 TABLE public auth_group owner"; not "TABLE DATA public auth_group".
    return set(re.findall(r"^\d+; \d+ \d+ TABLE (?!DATA )\S+ (\S+) ", listing, re.MULTILINE))


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
        raise _Unverified(
            "the restored database does not match the backup's manifest: "
            + _differences(missing, {t: (restored[t], expected[t]) for t in differing})
        )
    if migrations != manifest["migrations"]:
        recorded = manifest["migrations"]
        apps_differing = sorted(
            app for app in {*migrations, *recorded} if migrations.get(app) != recorded.get(app)
        )
        raise _Unverified(
            "the restored migration state does not match the backup's manifest: "
            + "; ".join(
                f"{app} is at {migrations.get(app, 'no migration')}, the manifest says "
                f"{recorded.get(app, 'no migration')}"
                for app in apps_differing[:4]
            )
        )
    rows = sum(figures["rows"] for figures in restored.values())
    lines = [f"{len(restored)} tables, {rows} rows: the rows and their ids equal the manifest's."]
    lines.append(_decrypt_one_per_field())
    lines.append(_migrations_against_code())
    return lines


def _differences(missing: list[str], differing: dict[str, tuple[dict, dict]]) -> str:
    found = [f"there is no table {table}" for table in missing]
    for table, (restored, expected) in differing.items():
        if restored["rows"] != expected["rows"]:
            found.append(
                f"{table} has {restored['rows']} rows, the manifest says {expected['rows']}"
            )
        else:
            found.append(f"{table} has the manifest's {restored['rows']} rows, but other ids")
    shown = found[:4]
    if found[4:]:
        shown.append(f"{len(found) - 4} more tables differ")
    return "; ".join(shown)


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
            raise _Unverified(
                f"an encrypted {model._meta.label}.{name} in the backup does not decrypt "
                "with DATA_KEYS, though its key check does: the backup holds text written "
                "under another key as well",
                "Add that key to DATA_KEYS, after the current one (DATA_KEYS=current,old), "
                "and restore again.",
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
