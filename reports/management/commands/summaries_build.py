from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from reports.summaries import summaries_missing
from reports.tasks import chunks_queue


class Command(BaseCommand):
    help = "Queue a build for every weekly summary still missing (the planner's work, on demand)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--clinic", type=int, help="only this clinic's id")

    def handle(self, *args, **options) -> None:
        if options["since"] and options["since"] > date.today():
            raise CommandError("--since is in the future")
        missing = summaries_missing(clinic_id=options["clinic"], since=options["since"])
        with tqdm(total=len(missing), desc="queued", unit="client-week", disable=None) as bar:
            chunks_queue(missing, on_queued=bar.update)
        self.stdout.write(f"{len(missing)} client-weeks queued.")
