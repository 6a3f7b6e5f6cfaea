"""The session-prep report's EMDR part: an incomplete or contained last session flagged
first, targets in progress, reevaluation due, the TICES log since the last session by the
target it touches (by its words, too), and topics naming their rule (a candidate target
with a link to set it up, a resolved target reevaluated above SUD 1 or stirred again)."""

import datetime as dt
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.emdr.models import EmdrSettings
from clinic.models import Session
from reports.session_prep import prep_report
from tests import factories

NOW = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC)  # a Thursday
LAST = NOW - dt.timedelta(days=7)  # the last held session, Thu 5 Nov
BEFORE = NOW - dt.timedelta(days=14)


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def record(therapist, time_machine):
    time_machine.move_to(NOW, tick=False)
    client = factories.ClientFactory(primary_therapist=therapist, started_on=dt.date(2026, 9, 1))
    return client


def held(client, at):
    return factories.SessionFactory(client=client, starts_at=at, status=Session.Status.COMPLETED)


def target(client, label, status="in_progress", **extra):
    return factories.TargetFactory(client=client, label=label, status=status, **extra)


def worked(target, session, closure="complete", **numbers):
    numbers.setdefault("phases", [3, 4, 7])
    return factories.ProcessingRecordFactory(
        target=target, session=session, closure=closure, **numbers
    )


def page_of(client, user, record) -> str:
    client.force_login(user)
    response = client.get(reverse("client-prep", args=[record.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def in_emdr(record):
    """Two sessions; the last worked two targets, one of them left incomplete."""
    before, last = held(record, BEFORE), held(record, LAST)
    kitchen = target(record, "The kitchen, age 9")
    car_park = target(record, "The car park")
    worked(kitchen, before, sud_start=8, sud_end=6, voc_setup=2)
    worked(kitchen, last, "incomplete", sud_start=6, sud_end=5, voc_installed=3)
    worked(car_park, last, "complete", sud_start=4, sud_end=1, voc_installed=6)
    target(record, "The hospital", status="planned")
    return record


@pytest.mark.django_db
def test_an_incomplete_last_session_is_flagged_first(client, therapist, in_emdr):
    report = prep_report(client=in_emdr)
    assert report.flags[0] == (
        "Last session (Thu 5 Nov): EMDR processing ended incomplete (“The kitchen, age 9”)"
    )
    assert report.emdr.closure == "incomplete"
    assert report.emdr.topics[0].rule == "The last session's processing ended incomplete"
    assert report.emdr.topics[0].text == (
        "Begin with how they have been since, and what stirred them up between sessions; "
        "reevaluate “The kitchen, age 9” before going on."
    )

    page = html.unescape(page_of(client, therapist.user, in_emdr))
    emdr = page[page.index('id="h-emdr"') :]
    assert emdr.index("ended incomplete") < emdr.index("Targets in progress")


@pytest.mark.django_db
def test_a_contained_session_is_flagged_and_a_complete_one_is_not(client, therapist, record):
    last = held(record, LAST)
    calm = target(record, "Calm")
    worked(calm, last, "contained")
    worked(target(record, "Done"), last, "complete")
    report = prep_report(client=record)
    assert report.flags[0] == "Last session (Thu 5 Nov): EMDR processing was contained (“Calm”)"

    calm.records.update(closure="complete")
    report = prep_report(client=record)
    assert (report.emdr.closure, report.emdr.flag) == ("complete", "")
    assert not any("EMDR" in flag for flag in report.flags)
    page = page_of(client, therapist.user, record)
    assert "Closure of the last session (Thu 5 Nov): complete." in page


@pytest.mark.django_db
def test_a_list_of_labels_quotes_each_so_a_comma_in_one_reads_plainly(in_emdr):
    in_emdr.emdr_targets.get(label="The car park").records.update(closure="incomplete")
    emdr = prep_report(client=in_emdr).emdr
    assert emdr.flag == (
        "Last session (Thu 5 Nov): EMDR processing ended incomplete "
        "(“The kitchen, age 9”, “The car park”)"
    )
    assert "reevaluate “The kitchen, age 9”, “The car park” before going on." in (
        emdr.topics[0].text
    )


@pytest.mark.django_db
def test_targets_in_progress_with_their_last_numbers_and_sessions(in_emdr):
    lines = prep_report(client=in_emdr).emdr.in_progress
    assert [
        (line.target.label, line.readings.sud, line.readings.voc, line.readings.sessions)
        for line in lines
    ] == [("The kitchen, age 9", 5, 3, 2), ("The car park", 1, 6, 1)]


@pytest.mark.django_db
def test_reevaluation_due_names_the_targets_and_the_rule(client, therapist, in_emdr):
    resolved = target(in_emdr, "The stairs", status="resolved", status_changed_at=days_ago(6))
    worked(resolved, in_emdr.sessions.get(starts_at=LAST), sud_end=0, voc_installed=7)
    due = prep_report(client=in_emdr).emdr.due
    assert [(line.target.label, line.text) for line in due] == [
        ("The kitchen, age 9", "Processed on Thu 5 Nov: ask its SUD before going on (last 5)."),
        ("The car park", "Processed on Thu 5 Nov: ask its SUD before going on (last 1)."),
        ("The stairs", "Resolved on Fri 6 Nov: check that it stays at SUD 0 (or 1)."),
    ]
    page = html.unescape(page_of(client, therapist.user, in_emdr))
    assert (
        "Rule: A resolved target is reevaluated in its first session after the resolution."
    ) in page
    # The colon is the label's, inside its bold: no space before it, read in any way.
    assert "<strong>The stairs:</strong> Resolved on Fri 6 Nov" in page
    assert " :" not in page[page.index("Reevaluation due") : page.index("TICES log")]


@pytest.mark.django_db
def test_a_target_label_in_a_due_line_is_escaped(client, therapist, in_emdr):
    in_emdr.emdr_targets.filter(label="The car park").update(label="<i>Car</i> & park")
    page = page_of(client, therapist.user, in_emdr)
    assert "<strong>&lt;i&gt;Car&lt;/i&gt; &amp; park:</strong> Processed on" in page
    assert "<i>Car</i>" not in page


@pytest.mark.django_db
def test_the_log_since_the_last_session_by_target_with_the_words_escaped(
    client, therapist, in_emdr
):
    kitchen = in_emdr.emdr_targets.get(label="The kitchen, age 9")
    factories.TicesEntryFactory(
        client=in_emdr, occurred_at=days_ago(10), trigger="Before the session"
    )
    factories.TicesEntryFactory(
        client=in_emdr, occurred_at=days_ago(3), trigger="Plates crashing", target=kitchen
    )
    factories.TicesEntryFactory(
        client=in_emdr, occurred_at=days_ago(2), trigger="<b>Loud</b> & sudden", disturbance=4
    )
    groups = prep_report(client=in_emdr).emdr.log
    assert [
        (group.target and group.target.label, [e.trigger for e in group.entries])
        for group in groups
    ] == [("The kitchen, age 9", ["Plates crashing"]), (None, ["<b>Loud</b> & sudden"])]

    page = page_of(client, therapist.user, in_emdr)
    assert "&lt;b&gt;Loud&lt;/b&gt; &amp; sudden" in page
    assert "<b>Loud</b>" not in page
    assert "Touching no target" in page and "Before the session" not in page


@pytest.mark.django_db
def test_a_repeated_trigger_no_target_covers_is_a_candidate_target(client, therapist, in_emdr):
    entries = [
        factories.TicesEntryFactory(client=in_emdr, occurred_at=days_ago(days), trigger=words)
        for days, words in [
            (5, "His car outside"),
            (1, "His car outside"),
            (3, "his car, outside!"),
        ]
    ]
    topics = prep_report(client=in_emdr).emdr.topics
    candidate = next(t for t in topics if t.text.startswith("Candidate"))
    assert candidate.text == (
        "Candidate target: “His car outside” logged 3 times since the last session, "
        "touching no target."
    )
    assert candidate.rule == (
        "A trigger logged 3 or more times that no target covers "
        "(the same words, case and punctuation aside)"
    )
    assert candidate.from_entry == entries[1].pk  # the latest, logged a day ago
    page = html.unescape(page_of(client, therapist.user, in_emdr))
    assert (
        "Rule: A trigger logged 3 or more times that no target covers "
        "(the same words, case and punctuation aside)."
    ) in page
    # Set up from that entry: its id in the address, never its words.
    new = reverse("emdr-target-new", args=[in_emdr.pk])
    link = f'<a class="no-print" href="{new}?from_entry={entries[1].pk}">Set up as a target</a>'
    assert link in page
    assert page.count("?from_entry=") == 1
    assert "car" not in page[page.index("?from_entry=") :].split('"')[0]


@pytest.mark.django_db
def test_a_trigger_set_up_as_a_target_is_not_suggested_again(client, therapist, in_emdr):
    """Set up from a candidate a month ago, its entries linked to it; its label hidden from
    the client, who logs the same words again touching no target. They touch it by their
    words: grouped under it, said so, and no candidate again. Nothing is written."""
    car = target(in_emdr, "His car, outside", status="planned")
    for days in (35, 33, 30):  # before the stretch shown (four weeks)
        factories.TicesEntryFactory(
            client=in_emdr, occurred_at=days_ago(days), trigger="His car outside", target=car
        )
    again = [
        factories.TicesEntryFactory(client=in_emdr, occurred_at=days_ago(days), trigger=words)
        for days, words in [
            (5, "his car outside!"),
            (3, "His car, outside"),
            (1, "HIS CAR OUTSIDE"),
        ]
    ]
    linked = factories.TicesEntryFactory(
        client=in_emdr, occurred_at=days_ago(2), trigger="The car again", target=car
    )
    other = factories.TicesEntryFactory(
        client=in_emdr, occurred_at=days_ago(4), trigger="Seeing his car outside"
    )
    emdr = prep_report(client=in_emdr).emdr
    assert not any(t.text.startswith("Candidate") for t in emdr.topics)
    assert [
        (group.target and group.target.label, [e.pk for e in group.entries], group.by_words)
        for group in emdr.log
    ] == [
        (
            "His car, outside",
            [again[0].pk, again[1].pk, linked.pk, again[2].pk],
            frozenset(e.pk for e in again),
        ),
        (None, [other.pk], frozenset()),
    ]
    assert in_emdr.tices_entries.filter(target__isnull=True).count() == 4  # read, not written

    page = html.unescape(page_of(client, therapist.user, in_emdr))
    assert page.count("(same words as entries linked to it)") == 3
    assert "The car again</td>" in page
    assert "Set up as a target" not in page


@pytest.mark.django_db
def test_a_resolved_target_reevaluated_above_sud_1_is_to_reopen(client, therapist, in_emdr):
    before, last = (in_emdr.sessions.get(starts_at=at) for at in (BEFORE, LAST))
    stairs = target(
        in_emdr,
        "The stairs, at night",
        status="resolved",
        status_changed_at=BEFORE + dt.timedelta(hours=1),
    )
    worked(stairs, before, reevaluation_sud=4, sud_end=0, voc_installed=7)  # before: not counted
    record = worked(stairs, last, phases=[8], reevaluation_sud=5)
    topics = prep_report(client=in_emdr).emdr.topics
    assert topics[1].text == (
        "Reopen “The stairs, at night”? Reevaluated at SUD 5 on Thu 5 Nov, after it was "
        "resolved on Thu 29 Oct."
    )
    assert topics[1].rule == "A resolved target reevaluated above SUD 1"
    page = html.unescape(page_of(client, therapist.user, in_emdr))
    assert "Rule: A resolved target reevaluated above SUD 1." in page

    # Stirred again, too: right after the closure, the reopening then the stirring.
    factories.TicesEntryFactory(
        client=in_emdr, occurred_at=days_ago(2), target=stairs, disturbance=8
    )
    topics = prep_report(client=in_emdr).emdr.topics
    assert [t.text.split(" ")[0] for t in topics[:3]] == ["Begin", "Reopen", "Reevaluate"]

    # At SUD 1 it stays resolved; reopened since, it is being worked.
    record.reevaluation_sud = 1
    record.save(update_fields=["reevaluation_sud"])
    assert not any(t.text.startswith("Reopen") for t in prep_report(client=in_emdr).emdr.topics)
    record.reevaluation_sud = 5
    record.save(update_fields=["reevaluation_sud"])
    stairs.status, stairs.status_changed_at = "in_progress", days_ago(6)
    stairs.save(update_fields=["status", "status_changed_at"])
    assert not any(t.text.startswith("Reopen") for t in prep_report(client=in_emdr).emdr.topics)


@pytest.mark.django_db
def test_no_set_up_link_for_a_discharged_client(client, therapist, in_emdr):
    for days in (5, 3, 1):
        factories.TicesEntryFactory(client=in_emdr, occurred_at=days_ago(days), trigger="A siren")
    in_emdr.status, in_emdr.discharged_on = "discharged", dt.date(2026, 11, 11)
    in_emdr.save(update_fields=["status", "discharged_on"])
    emdr = prep_report(client=in_emdr).emdr
    assert emdr.can_set_up is False
    assert any(topic.from_entry for topic in emdr.topics)  # the candidate is still named
    page = page_of(client, therapist.user, in_emdr)
    assert "Candidate target: “A siren”" in html.unescape(page)
    assert "Set up as a target" not in page and "from_entry" not in page


@pytest.mark.django_db
def test_a_resolved_target_stirred_again_is_to_reevaluate(client, therapist, in_emdr):
    stairs = target(in_emdr, "The stairs", status="resolved", status_changed_at=BEFORE)
    for days, value in [(6, 7), (4, 9), (2, 9), (1, 5)]:
        factories.TicesEntryFactory(
            client=in_emdr, occurred_at=days_ago(days), target=stairs, disturbance=value
        )
    factories.TicesEntryFactory(  # before the last session: already seen
        client=in_emdr, occurred_at=days_ago(8), target=stairs, disturbance=10
    )
    topics = prep_report(client=in_emdr).emdr.topics
    [stirred] = [t for t in topics if t.text.startswith("Reevaluate")]
    assert stirred.text == (
        "Reevaluate “The stairs”: the client logged disturbance 9/10 touching it on Tue 10 Nov."
    )
    assert stirred.rule == (
        "A resolved target stirred again at or above the clinic's calming level (7/10)"
    )
    assert topics.index(stirred) == 1  # after the incomplete session, before the rest
    page = html.unescape(page_of(client, therapist.user, in_emdr))
    assert (
        "Rule: A resolved target stirred again at or above the clinic's calming level (7/10)."
    ) in page

    # The clinic's own level: at 10, nothing since the last session reaches it.
    EmdrSettings.objects.create(clinic=in_emdr.clinic, calming_at=10)
    topics = prep_report(client=in_emdr).emdr.topics
    assert not any(t.text.startswith("Reevaluate") for t in topics)


@pytest.mark.django_db
def test_a_set_aside_or_in_progress_target_stirred_is_not_to_reevaluate(in_emdr):
    aside = target(in_emdr, "Aside", status="set_aside", status_changed_at=BEFORE)
    kitchen = in_emdr.emdr_targets.get(label="The kitchen, age 9")
    for aim in (aside, kitchen):
        factories.TicesEntryFactory(
            client=in_emdr, occurred_at=days_ago(2), target=aim, disturbance=9
        )
    topics = prep_report(client=in_emdr).emdr.topics
    assert not any(t.text.startswith("Reevaluate") for t in topics)


@pytest.mark.django_db
def test_a_hard_moment_is_a_topic_at_the_clinics_calming_level(in_emdr):
    factories.TicesEntryFactory(client=in_emdr, occurred_at=days_ago(2), disturbance=6)
    assert not any("calming level" in t.rule for t in prep_report(client=in_emdr).emdr.topics)

    EmdrSettings.objects.create(clinic=in_emdr.clinic, calming_at=6)
    [hard] = [t for t in prep_report(client=in_emdr).emdr.topics if "calming level" in t.rule]
    assert hard.rule == "A log entry with disturbance at or above the clinic's calming level (6/10)"
    assert hard.text == (
        "1 log entry since the last session with disturbance at or above the clinic's calming "
        "level (6/10), at 6/10 on Tue 10 Nov: ask what happened and what helped them settle."
    )

    factories.TicesEntryFactory(client=in_emdr, occurred_at=days_ago(1), disturbance=8)
    [hard] = [t for t in prep_report(client=in_emdr).emdr.topics if "calming level" in t.rule]
    assert hard.text == (
        "2 log entries since the last session with disturbance at or above the clinic's "
        "calming level (6/10), the highest 8/10 on Wed 11 Nov: ask what happened and what "
        "helped them settle."
    )


@pytest.mark.django_db
def test_a_client_without_emdr_has_no_emdr_part(client, therapist, record):
    held(record, LAST)
    assert prep_report(client=record).emdr is None
    assert 'id="h-emdr"' not in page_of(client, therapist.user, record)


@pytest.mark.django_db
def test_a_log_without_targets_is_shown(record):
    factories.TicesEntryFactory(client=record, occurred_at=days_ago(2), trigger="A siren")
    emdr = prep_report(client=record).emdr
    assert emdr.log_span == "in the last 4 weeks"  # no session held yet
    assert [e.trigger for e in emdr.log[0].entries] == ["A siren"]


@pytest.mark.django_db
def test_other_therapists_get_404(client, in_emdr, other_therapist, other_clinic_therapist):
    factories.TicesEntryFactory(client=in_emdr, occurred_at=days_ago(2), trigger="Secret words")
    for stranger in (other_therapist, other_clinic_therapist):
        client.force_login(stranger.user)
        response = client.get(reverse("client-prep", args=[in_emdr.pk]))
        assert response.status_code == 404
        assert b"Secret words" not in response.content


def _queries(client, record) -> tuple[int, int]:
    """All the page's queries, and those reading EMDR tables."""
    url = reverse("client-prep", args=[record.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    emdr = [q for q in captured.captured_queries if '"emdr_' in q["sql"]]
    return len(captured), len(emdr)


@pytest.mark.django_db
@pytest.mark.parametrize("targets", [1, 20])
def test_the_emdr_part_costs_four_queries_whatever_its_size(client, therapist, targets):
    """20 targets worked in each of 40 sessions, three log entries each (one linked long
    ago, whose words the others share), cost what one does."""
    plain = factories.ClientFactory(primary_therapist=therapist)
    rich = factories.ClientFactory(primary_therapist=therapist)
    for person in (plain, rich):
        for weeks in range(1, 41):
            held(person, days_ago(7 * weeks))
    sessions = list(rich.sessions.all())
    for n in range(targets):
        aim = target(rich, f"Target {n}")
        for session in sessions:
            worked(aim, session, "incomplete" if n == 0 else "complete")
        factories.TicesEntryFactory(client=rich, occurred_at=days_ago(1), target=aim)
        factories.TicesEntryFactory(client=rich, occurred_at=days_ago(2), trigger="A siren")
        # Linked long before the stretch shown: read in the same query, for its words.
        factories.TicesEntryFactory(
            client=rich, occurred_at=days_ago(90), trigger="A siren!", target=aim
        )
    client.force_login(therapist.user)
    # Without EMDR: whether there are targets or log entries. With: their records and
    # the clinic's calming level, too.
    plain_count, plain_emdr = _queries(client, plain)
    rich_count, rich_emdr = _queries(client, rich)
    assert (plain_emdr, rich_emdr) == (2, 4)
    assert rich_count == plain_count + 2
