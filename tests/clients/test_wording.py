"""The other person is named as the therapist set it for each client."""

import pytest

from clients.wording import person_words
from tests import factories


@pytest.mark.parametrize(
    ("focus_areas", "other_person", "for_client", "negative", "positive"),
    [
        (["breakup"], "", "your ex", "anger or resentment", "love or longing"),
        (["betrayal"], "husband", "your husband", "anger or resentment", "love or longing"),
        (["childhood"], "father", "your father", "anger or resentment", "longing for closeness"),
        (["grief"], "", "your loved one", "anger or protest", "longing"),
        ([], "", "the other person", "anger or resentment", "love or longing"),
    ],
)
def test_words_come_from_the_therapist_or_the_focus_area(
    focus_areas, other_person, for_client, negative, positive
):
    client = factories.ClientFactory.build(focus_areas=focus_areas, other_person=other_person)
    words = person_words(client)
    assert words.for_client == for_client
    assert (words.ends.negative, words.ends.positive) == (negative, positive)
    assert for_client in words.charge_question


@pytest.mark.django_db
def test_the_check_in_asks_about_the_person_in_the_therapists_words(client, client_record):
    client_record.focus_areas = ["betrayal"]
    client_record.other_person = "husband"
    client_record.save()
    client.force_login(client_record.user)
    html = client.get("/me/").content.decode()
    assert "What do you feel toward your husband right now?" in html
    assert "How much of today did your husband take up in your thoughts?" in html
    assert "anger or resentment" in html and "0 neutral" in html
    assert "the person the relationship was with" not in html
