import json

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from clinic.demo import DemoBuilder

DEFAULT_PASSWORD = "demo-healing-2026"  # noqa: S105 - published demo logins


class Command(BaseCommand):
    help = (
        "Create demo clinics, staff and clients with weeks of history. "
        "Deterministic and idempotent: what exists already is left as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--clients", type=int, default=30)
        parser.add_argument("--weeks", type=int, default=12)
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument(
            "--json", action="store_true", help="Print the logins as JSON on standard output."
        )

    def handle(self, *args, **options) -> None:
        if options["clients"] < 0 or options["weeks"] < 1:
            self.stderr.write("--clients must be 0 or more and --weeks 1 or more.")
            raise SystemExit(2)
        builder = DemoBuilder(
            seed=options["seed"], weeks=options["weeks"], password=options["password"]
        )
        staff = builder.clinics()
        builder.operator()
        therapists = [t for _, clinic_therapists in staff for t in clinic_therapists]
        # The first client of each therapist in turn, so every caseload holds every story.
        for number in tqdm(
            range(options["clients"]),
            desc="demo clients",
            unit="client",
            disable=True if options["verbosity"] == 0 else None,  # None: only on a terminal
        ):
            builder.client(number, therapists[number % len(therapists)])

        logins = [login.as_dict() for login in builder.logins]
        if options["json"]:
            self.stdout.write(json.dumps(logins, indent=2))
            return
        existing = options["clients"] - builder.clients_created
        self.stdout.write(
            f"Demo data: {builder.clients_created} clients created, {existing} already there "
            "(existing accounts keep their password)."
        )
        self.stdout.write(f"\nDemo logins (password: {options['password']}):")
        for login in logins:
            if login["role"] != "client" or login["email"].startswith("client00@"):
                self.stdout.write(f"  {login['role']:<13} {login['email']}")
        self.stdout.write("  client        client01@harbor.example ... (one per demo client)")
