"""Give every clinic that exists when this runs the default vocabulary and library.

Clinics created later get the same through ``clinic_create`` and the admin.
"""

from django.db import migrations


def install(apps, schema_editor):
    from clients.services import install_default_library

    Clinic = apps.get_model("clinic", "Clinic")
    EmotionLabel = apps.get_model("clients", "EmotionLabel")
    Exercise = apps.get_model("clients", "Exercise")
    for clinic_id in Clinic.objects.values_list("pk", flat=True):
        install_default_library(
            clinic_id=clinic_id, label_model=EmotionLabel, exercise_model=Exercise
        )


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0002_initial"),
        ("clinic", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
