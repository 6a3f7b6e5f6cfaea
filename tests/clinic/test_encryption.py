"""Clients' free text is encrypted at rest and never comes back as ciphertext."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from clients.models import CheckIn, Completion
from clinic.encryption import DataKeyError, encrypt_plaintext_column
from tests import factories

NOTE = "I kept rereading our old messages tonight"
REFLECTION = "The letter I will not send made my chest loosen"


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def written(db):
    check_in = factories.CheckInFactory(note=NOTE)
    completion = factories.CompletionFactory(reflection=REFLECTION)
    return check_in, completion


def test_raw_sql_shows_no_plaintext_and_the_orm_reads_it_back(written):
    check_in, completion = written
    stored_note = raw_column("clients_checkin", "note", check_in.pk)
    stored_reflection = raw_column("clients_completion", "reflection", completion.pk)
    assert "rereading" not in stored_note and stored_note.startswith("gAAAA")
    assert "letter" not in stored_reflection and stored_reflection.startswith("gAAAA")
    assert CheckIn.objects.get(pk=check_in.pk).note == NOTE
    assert Completion.objects.get(pk=completion.pk).reflection == REFLECTION


def test_empty_text_stays_empty_so_has_a_note_is_a_plain_query(db):
    check_in = factories.CheckInFactory(note="")
    assert raw_column("clients_checkin", "note", check_in.pk) == ""
    assert not CheckIn.objects.exclude(note="").exists()


def test_a_wrong_key_is_an_error_not_the_ciphertext(written):
    check_in, _ = written
    other_key = Fernet.generate_key().decode()
    with (
        override_settings(DATA_KEYS=[other_key]),
        pytest.raises(DataKeyError, match="does not hold the key"),
    ):
        CheckIn.objects.get(pk=check_in.pk)


def test_no_key_at_all_is_an_error(written):
    check_in, _ = written
    with override_settings(DATA_KEYS=[]), pytest.raises(DataKeyError, match="DATA_KEYS is empty"):
        CheckIn.objects.get(pk=check_in.pk)


def test_rotation_re_encrypts_every_row_with_the_new_key(settings, written):
    check_in, completion = written
    more = factories.CheckInFactory.create_batch(3, note="another evening of missing them")
    old_key = settings.DATA_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.DATA_KEYS = [new_key, old_key]
    before = raw_column("clients_checkin", "note", check_in.pk)

    call_command("rotate_data_key", verbosity=0)

    assert raw_column("clients_checkin", "note", check_in.pk) != before
    settings.DATA_KEYS = [new_key]  # the old key is gone: everything must still read
    assert CheckIn.objects.get(pk=check_in.pk).note == NOTE
    assert Completion.objects.get(pk=completion.pk).reflection == REFLECTION
    assert {c.note for c in CheckIn.objects.filter(pk__in=[m.pk for m in more])} == {
        "another evening of missing them"
    }


def test_rotation_reports_its_counts(settings, written, capsys):
    settings.DATA_KEYS = [Fernet.generate_key().decode(), *settings.DATA_KEYS]
    call_command("rotate_data_key")
    out = capsys.readouterr().out
    assert "CheckIn.note: 1 of 1 rows re-encrypted" in out
    assert "Completion.reflection: 1 of 1 rows re-encrypted" in out


def test_rows_written_before_encryption_are_encrypted_by_the_migration_step(db):
    check_in = factories.CheckInFactory(note="")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clients_checkin SET note = %s WHERE id = %s", [NOTE, check_in.pk])

    assert encrypt_plaintext_column(connection, "clients_checkin", "note") == 1
    assert encrypt_plaintext_column(connection, "clients_checkin", "note") == 0  # idempotent
    assert raw_column("clients_checkin", "note", check_in.pk).startswith("gAAAA")
    assert CheckIn.objects.get(pk=check_in.pk).note == NOTE


@pytest.mark.django_db
@pytest.mark.parametrize("lookup", [{"note": "some text"}, {"note__startswith": "I kept"}])
def test_a_lookup_on_the_content_is_refused_rather_than_matching_nothing(lookup):
    with pytest.raises(FieldError, match="encrypted"):
        list(CheckIn.objects.filter(**lookup))


@pytest.mark.django_db
def test_migration_step_works_in_chunks_and_leaves_tokens_of_a_retired_key_alone(settings):
    check_ins = factories.CheckInFactory.create_batch(5, note="")
    retired = Fernet(Fernet.generate_key()).encrypt(b"written under a retired key").decode()
    with connection.cursor() as cursor:
        for index, check_in in enumerate(check_ins[:4]):
            cursor.execute(
                "UPDATE clients_checkin SET note = %s WHERE id = %s", [f"note {index}", check_in.pk]
            )
        cursor.execute(
            "UPDATE clients_checkin SET note = %s WHERE id = %s", [retired, check_ins[4].pk]
        )

    assert encrypt_plaintext_column(connection, "clients_checkin", "note", chunk=2) == 4
    assert raw_column("clients_checkin", "note", check_ins[4].pk) == retired  # not re-wrapped
    assert [CheckIn.objects.get(pk=c.pk).note for c in check_ins[:4]] == [
        f"note {i}" for i in range(4)
    ]


@pytest.mark.django_db
def test_rotation_first_encrypts_plain_text_an_old_process_wrote(settings, capsys):
    check_in = factories.CheckInFactory(note="")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE clients_checkin SET note = 'late plain' WHERE id = %s", [check_in.pk]
        )
    call_command("rotate_data_key")
    assert "CheckIn.note: 1 plain rows encrypted" in capsys.readouterr().out
    assert CheckIn.objects.get(pk=check_in.pk).note == "late plain"
