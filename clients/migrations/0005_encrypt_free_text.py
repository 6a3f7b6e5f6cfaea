import clinic.encryption
from django.db import migrations

ENCRYPTED_COLUMNS = [("clients_checkin", "note"), ("clients_completion", "reflection")]


def encrypt_existing(apps, schema_editor):
    for table, column in ENCRYPTED_COLUMNS:
        clinic.encryption.encrypt_plaintext_column(schema_editor.connection, table, column)


class Migration(migrations.Migration):
    # The encryption commits chunk by chunk (see encrypt_plaintext_column), so a large
    # table is not locked in one long transaction. Stop web and worker before migrating.
    atomic = False

    dependencies = [
        ("clients", "0004_api_support"),
    ]

    operations = [
        migrations.AlterField(
            model_name="checkin",
            name="note",
            field=clinic.encryption.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="completion",
            name="reflection",
            field=clinic.encryption.EncryptedTextField(blank=True),
        ),
        # Rows written before this migration are encrypted in place; there is no way back
        # short of decrypting by hand, on purpose.
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
