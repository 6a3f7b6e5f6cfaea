"""manage.py backup: a consistent copy of the database, while the product runs."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.backups import Backup, BackupError, backup_write, prune, read_manifest


class Command(BaseCommand):
    help = (
        "Writes a consistent copy of the database and its manifest into a new folder in "
        "--folder (default BACKUP_DIR). With --keep N, deletes all but the newest N backups "
        "there. The clients' notes stay encrypted: keep DATA_KEYS apart from the backups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--folder", type=Path, default=None, help="default: BACKUP_DIR")
        parser.add_argument(
            "--keep", type=int, default=None, help="keep only the newest N backups in --folder"
        )

    def handle(self, *args, **options) -> None:
        parent = options["folder"] or Path(settings.BACKUP_DIR)
        if options["keep"] is not None and options["keep"] < 1:
            raise CommandError("--keep must be 1 or more.")
        try:
            folder = backup_write(parent)
            deleted = prune(parent, options["keep"]) if options["keep"] else []
        except BackupError as error:
            raise CommandError(str(error)) from error
        backup = Backup(folder, read_manifest(folder))
        self.stdout.write(str(folder))
        self.stdout.write(f"Backup written: {backup.summary()}")
        if deleted:
            self.stdout.write(f"{len(deleted)} older backups deleted, {options['keep']} kept.")
