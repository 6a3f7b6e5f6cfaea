"""manage.py restore FOLDER: a backup back into an empty database, then proved."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.backups import BackupError
from clinic.restore import backup_folder, database_label, restore


class Command(BaseCommand):
    help = (
        "Restores the backup in FOLDER into the configured database, which must be empty, "
        "after checking the copy's checksum and that DATA_KEYS can decrypt it; then compares "
        "the restored rows with the backup's manifest, and takes the restore back if they "
        "differ. Stop the web server and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder", type=Path, help="a backup's folder (holds manifest.json), or the copy in it"
        )

    def handle(self, *args, **options) -> None:
        try:
            folder = backup_folder(options["folder"])
            verified = restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {folder} into {database_label()}.")
        self.stdout.write("Verified:")
        for line in verified:
            self.stdout.write(f"  - {line}")
