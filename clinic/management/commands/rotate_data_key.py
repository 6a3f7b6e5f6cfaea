"""Re-encrypt every client's free text with the first key in DATA_KEYS."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from tqdm import tqdm

from clinic import audit
from clinic.encryption import EncryptedTextField, encrypt_plaintext_column

CHUNK = 500


def encrypted_fields() -> list[tuple]:
    """Every (model, field name) stored encrypted, found from the models themselves so
    that a new encrypted field cannot be left out of a rotation."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, EncryptedTextField)
    ]


class Command(BaseCommand):
    help = (
        "Re-encrypts every encrypted field (check-in notes, reflections, follow-up notes, "
        "safety plans) with the first key in DATA_KEYS. Put the new key first, run this, "
        "then remove the old key."
    )

    def handle(self, *args, **options):
        show_bar = options["verbosity"] > 0 and self.stdout.isatty()
        for model, field in encrypted_fields():
            # Plain text an old process wrote after the upgrade is encrypted first.
            leftovers = encrypt_plaintext_column(
                connection, model._meta.db_table, model._meta.get_field(field).column
            )
            if leftovers:
                self.stdout.write(f"{model.__name__}.{field}: {leftovers} plain rows encrypted")
            rows = model.objects.exclude(**{field: ""}).order_by("pk")
            total = rows.count()
            done = 0
            with tqdm(total=total, desc=f"{model.__name__}.{field}", disable=not show_bar) as bar:
                last_pk = 0
                while True:
                    with transaction.atomic():
                        # Reading decrypts with any listed key; saving encrypts with the first.
                        chunk = list(rows.filter(pk__gt=last_pk).only("pk", field)[:CHUNK])
                        if not chunk:
                            break
                        model.objects.bulk_update(chunk, [field])
                        audit.record(
                            None,
                            action="update",
                            object_type=model._meta.model_name,
                            object_ids=[row.pk for row in chunk],
                        )
                    last_pk = chunk[-1].pk
                    done += len(chunk)
                    bar.update(len(chunk))
            self.stdout.write(f"{model.__name__}.{field}: {done} of {total} rows re-encrypted")
