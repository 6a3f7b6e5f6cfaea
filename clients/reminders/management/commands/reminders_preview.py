"""What reminders will go out in the next hours, for checking a setup; sends nothing.

    manage.py reminders_preview            # the next 24 hours
    manage.py reminders_preview --hours 6 --user client01@harbor.example

Each line is the moment it opens (UTC and the person's own time), the kind and the
recipient. It is worked out from what the database says now: what a client does before
then (an exercise done, a check-in sent) still takes its reminder away when it is due.
"""

from collections import Counter
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clients.reminders import planner
from clients.reminders.timing import Window
from clinic.models import User


class Command(BaseCommand):
    help = "Show the reminders due in the next hours (24 by default), without sending any."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="How far ahead (1-168).")
        parser.add_argument("--user", help="Only this person's (an e-mail address).")

    def handle(self, *args, hours: int, user: str | None, **options):
        if not 1 <= hours <= 168:
            raise CommandError("--hours must be between 1 and 168.")
        now = timezone.now()
        planned = planner.due_in(Window(now, now + timedelta(hours=hours)), now=now)
        addresses = dict(User.objects.values_list("pk", "email"))
        if user is not None:
            planned = [each for each in planned if addresses.get(each.due.person.user_id) == user]
        for each in planned:
            person = each.due.person
            local = timezone.localtime(each.opens, person.zone)
            self.stdout.write(
                f"{each.opens:%Y-%m-%d %H:%M} UTC  "
                f"{local:%a %H:%M} {person.zone.key:<22} "
                f"{each.due.kind:<10} {addresses.get(person.user_id, person.user_id)}"
            )
        counts = Counter(each.due.kind for each in planned)
        summary = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
        reminders = "1 reminder" if len(planned) == 1 else f"{len(planned)} reminders"
        ahead = "the next hour" if hours == 1 else f"the next {hours} hours"
        self.stdout.write(
            f"{reminders} in {ahead}" + (f" ({summary})" if summary else "") + "; nothing was sent."
        )
