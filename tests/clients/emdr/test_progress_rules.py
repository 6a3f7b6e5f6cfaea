"""The EMDR progress rules on hand-worked cases, no database: how a session closed, what
is due for reevaluation, which target a log entry touches by its words, which repeated
triggers are candidate targets, which resolved targets the log stirred again, and which
were reevaluated above SUD 1 since their resolution."""

import datetime as dt

from clients.emdr.progress import (
    CANDIDATE_AT,
    PROCESSED,
    REOPEN_ABOVE,
    RESOLVED,
    LogFacts,
    RecordFacts,
    TargetFacts,
    candidate_targets,
    disturbance_returned,
    normalised,
    readings,
    reevaluation_due,
    resolved_stirred,
    session_closure,
    touching,
)

NOW = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC)


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


# How a session closed ---------------------------------------------------------------


def test_incomplete_wins_over_contained_over_complete():
    assert session_closure(["complete", "incomplete", "contained"]) == "incomplete"
    assert session_closure(["complete", "contained", "complete"]) == "contained"
    assert session_closure(["complete", "complete"]) == "complete"
    assert session_closure(["incomplete"]) == "incomplete"


def test_a_session_without_records_has_no_closure():
    assert session_closure([]) is None


# Latest readings ----------------------------------------------------------------------


def test_the_last_sud_and_voc_are_the_latest_measured_and_sessions_are_counted():
    records = [
        RecordFacts(1, days_ago(14), (3, 4), sud_start=8, sud_end=5, voc_setup=2),
        RecordFacts(1, days_ago(7), (4, 5), sud_start=5, sud_end=2, voc_installed=5),
        # The last session measured only the start: that is the latest SUD, and the VoC
        # stays the one installed the time before.
        RecordFacts(1, days_ago(1), (8,), reevaluation_sud=3, sud_start=3),
    ]
    assert readings(records) == readings(list(reversed(records)))
    read = readings(records)
    assert (read.sud, read.voc, read.sessions, read.last_at) == (3, 5, 3, days_ago(1))


def test_a_target_never_worked_has_no_readings():
    read = readings([])
    assert (read.sud, read.voc, read.sessions, read.last_at) == (None, None, 0, None)


# Reevaluation due ---------------------------------------------------------------------


def test_targets_processed_in_the_last_session_are_due():
    targets = [
        TargetFacts(1, "in_progress", days_ago(30)),
        TargetFacts(2, "in_progress", days_ago(30)),
        TargetFacts(3, "planned", days_ago(30)),
    ]
    records = [
        RecordFacts(1, days_ago(7), (3, 4, 7)),
        RecordFacts(2, days_ago(7), (1, 2)),  # history and preparation only: nothing to check
    ]
    due = reevaluation_due(targets, records, held=[days_ago(7)])
    assert [(d.target_id, d.why, d.since) for d in due] == [(1, PROCESSED, days_ago(7))]


def test_a_later_sud_at_reevaluation_settles_it_until_the_next_processing():
    target = TargetFacts(1, "in_progress", days_ago(30))
    processed = RecordFacts(1, days_ago(14), (4, 5, 7))
    reevaluated = RecordFacts(1, days_ago(7), (8,), reevaluation_sud=2)
    assert reevaluation_due([target], [processed, reevaluated], held=[days_ago(7)]) == []
    # Reevaluated and processed again in the same session: that processing is due next.
    both = RecordFacts(1, days_ago(7), (8, 4, 7), reevaluation_sud=2)
    [due] = reevaluation_due([target], [processed, both], held=[days_ago(7)])
    assert due.since == days_ago(7)


def test_a_skipped_reevaluation_stays_due():
    """Processed two sessions ago; the last session worked another target only."""
    targets = [TargetFacts(1, "in_progress", days_ago(30)), TargetFacts(2, "in_progress", NOW)]
    records = [
        RecordFacts(1, days_ago(14), (4,)),
        RecordFacts(1, days_ago(7), (3,)),  # set up again, no SUD at reevaluation
        RecordFacts(2, days_ago(7), (4,)),
    ]
    due = reevaluation_due(targets, records, held=[days_ago(14), days_ago(7)])
    assert [(d.target_id, d.since) for d in due] == [(1, days_ago(14)), (2, days_ago(7))]


def test_a_resolved_target_is_due_in_its_first_session_after_resolution_only():
    # Resolved at the end of the session a week ago: the next session is its first after.
    resolved = TargetFacts(1, "resolved", days_ago(7) + dt.timedelta(minutes=45))
    records = [RecordFacts(1, days_ago(7), (4, 5, 6, 7), sud_end=0, voc_installed=7)]
    [due] = reevaluation_due([resolved], records, held=[days_ago(14), days_ago(7)])
    assert (due.target_id, due.why) == (1, RESOLVED)
    # A session has been held since: it was that session's to check.
    held = [days_ago(14), days_ago(7), days_ago(1)]
    assert reevaluation_due([resolved], records, held=held) == []


def test_a_set_aside_target_is_never_due():
    aside = TargetFacts(1, "set_aside", days_ago(3))
    assert reevaluation_due([aside], [RecordFacts(1, days_ago(7), (4,))], held=[days_ago(7)]) == []


# Candidate targets --------------------------------------------------------------------


def test_triggers_match_casefolded_without_punctuation_and_extra_spaces():
    assert normalised("  His CAR, outside!! ") == "his car outside"
    assert normalised("his car\toutside") == "his car outside"
    assert normalised("Dad's voice…") == normalised("dads voice")
    assert normalised("?!") == ""


def test_a_trigger_logged_three_times_since_the_last_session_touching_no_target():
    entries = [
        LogFacts("His car outside", days_ago(5)),
        LogFacts("his car outside!", days_ago(3)),
        LogFacts("His  car, outside", days_ago(1)),
        LogFacts("The phone ringing", days_ago(2)),
        LogFacts("the phone ringing", days_ago(1)),
    ]
    [found] = candidate_targets(entries, last_session_at=days_ago(6), now=NOW)
    assert (found.words, found.count, found.since_last_session) == ("His  car, outside", 3, True)
    assert CANDIDATE_AT == 3


def test_entries_that_touch_a_target_do_not_count():
    entries = [
        LogFacts("his car outside", days_ago(5), target_id=7),
        LogFacts("his car outside", days_ago(3)),
        LogFacts("his car outside", days_ago(1)),
    ]
    assert candidate_targets(entries, last_session_at=days_ago(6), now=NOW) == []


def test_a_trigger_spread_over_the_last_weeks_counts_when_the_last_session_was_recent():
    entries = [
        LogFacts("The school gate", days_ago(20)),
        LogFacts("the school gate", days_ago(9)),
        LogFacts("The school gate.", days_ago(1)),
        LogFacts("the school gate", days_ago(40)),  # older than four weeks
    ]
    [found] = candidate_targets(entries, last_session_at=days_ago(2), now=NOW)
    assert (found.count, found.since_last_session) == (3, False)
    # Without a session yet, the weeks alone decide.
    [alone] = candidate_targets(entries, last_session_at=None, now=NOW)
    assert alone.count == 3
    # Two within four weeks are not enough.
    assert candidate_targets(entries[1:], last_session_at=days_ago(2), now=NOW) == []


def test_the_most_logged_candidate_comes_first():
    entries = [LogFacts("a siren", days_ago(d)) for d in (1, 2, 3)] + [
        LogFacts("shouting", days_ago(d)) for d in (4, 5, 6, 7)
    ]
    found = candidate_targets(entries, last_session_at=days_ago(10), now=NOW)
    assert [(c.words, c.count) for c in found] == [("shouting", 4), ("a siren", 3)]


def test_a_candidate_names_its_latest_entry_to_set_the_target_up_from():
    entries = [
        LogFacts("His car outside", days_ago(5), id=11),
        LogFacts("his car outside!", days_ago(1), id=14),  # the latest, whatever the ids
        LogFacts("His car, outside", days_ago(3), id=17),
    ]
    [found] = candidate_targets(entries, last_session_at=days_ago(6), now=NOW)
    assert (found.words, found.latest_id, found.latest_at) == ("his car outside!", 14, days_ago(1))


def test_words_that_differ_beyond_case_and_punctuation_are_other_triggers():
    """Exact and predictable: no filler words dropped, no spelling guessed."""
    entries = [
        LogFacts("His car outside", days_ago(5)),
        LogFacts("Seeing his car outside", days_ago(3)),
        LogFacts("His car outsde", days_ago(1)),
    ]
    assert candidate_targets(entries, last_session_at=days_ago(6), now=NOW) == []


# A target touched by the words of the entries linked to it ----------------------------


def test_an_entry_with_the_words_of_an_entry_linked_to_a_target_touches_it():
    """The trigger was set up as target 7 (its entries linked); the client cannot link new
    ones to it (its label hidden from them), so they arrive touching no target."""
    entries = [
        LogFacts("His car, outside", days_ago(30), target_id=7, id=1),
        LogFacts("his car outside!", days_ago(3), id=2),
        LogFacts("Seeing his car outside", days_ago(2), id=3),  # other words
        LogFacts("Plates crashing", days_ago(1), target_id=8, id=4),
    ]
    read = touching(entries)
    assert [(e.id, e.target_id, e.by_words) for e in read] == [
        (1, 7, False),
        (2, 7, True),
        (3, None, False),
        (4, 8, False),
    ]
    assert read[1].trigger == "his car outside!"  # the client's words, kept as written


def test_the_target_of_the_latest_entry_linked_with_those_words_wins():
    entries = [
        LogFacts("A siren", days_ago(1), id=30),
        LogFacts("a siren", days_ago(20), target_id=7, id=10),
        LogFacts("A siren.", days_ago(9), target_id=9, id=11),  # the latest linked: 9
        LogFacts("A SIREN", days_ago(12), target_id=7, id=12),
    ]
    assert touching(entries)[0].target_id == 9
    # Linked at the same moment: the later id wins.
    tied = [
        LogFacts("a siren", days_ago(9), target_id=7, id=13),
        LogFacts("a siren", days_ago(9), target_id=5, id=12),
        LogFacts("a siren", days_ago(1), id=30),
    ]
    assert touching(tied)[2].target_id == 7


def test_an_entry_linked_by_the_client_keeps_its_target_and_blank_words_match_nothing():
    entries = [
        LogFacts("a siren", days_ago(9), target_id=7),
        LogFacts("A siren", days_ago(1), target_id=8),  # linked to 8 on purpose: kept
        LogFacts("?!", days_ago(5), target_id=7),
        LogFacts("!!", days_ago(1)),  # nothing left once the punctuation goes
    ]
    assert [(e.target_id, e.by_words) for e in touching(entries)] == [
        (7, False),
        (8, False),
        (7, False),
        (None, False),
    ]


def test_a_trigger_set_up_as_a_target_is_no_candidate_again():
    entries = [
        LogFacts("His car, outside", days_ago(40), target_id=7),  # set up from it, long ago
        LogFacts("his car outside", days_ago(5)),
        LogFacts("His car outside!", days_ago(3)),
        LogFacts("his car outside", days_ago(1)),
        LogFacts("A siren", days_ago(4)),
        LogFacts("a siren", days_ago(3)),
        LogFacts("A siren!", days_ago(2)),
    ]
    [found] = candidate_targets(entries, last_session_at=days_ago(6), now=NOW)
    assert (found.words, found.count) == ("A siren!", 3)
    # Without the entry linked to the target, the same three are a candidate.
    [again] = candidate_targets(entries[1:4], last_session_at=days_ago(6), now=NOW)
    assert (again.words, again.count) == ("his car outside", 3)


# A resolved target stirred again ------------------------------------------------------

LAST_SESSION = days_ago(7)
RESOLVED_AT = days_ago(14)  # resolved at a session before the last one


def test_a_resolved_target_touched_at_the_calming_level_since_the_last_session():
    targets = [TargetFacts(1, "resolved", RESOLVED_AT)]
    entries = [
        LogFacts("Plates", days_ago(5), target_id=1, disturbance=6),  # below 7
        LogFacts("Plates", days_ago(4), target_id=1, disturbance=7),  # at 7: counts
        LogFacts("Plates", days_ago(2), target_id=1, disturbance=8),  # the hardest
        LogFacts("Plates", days_ago(1), target_id=1, disturbance=7),
    ]
    [stirred] = resolved_stirred(targets, entries, last_session_at=LAST_SESSION, level=7)
    assert (stirred.target_id, stirred.disturbance, stirred.occurred_at) == (1, 8, days_ago(2))
    # The clinic's own level decides: at 9, nothing reaches it.
    assert resolved_stirred(targets, entries, last_session_at=LAST_SESSION, level=9) == []


def test_the_latest_of_equally_hard_entries_is_named():
    targets = [TargetFacts(1, "resolved", RESOLVED_AT)]
    entries = [
        LogFacts("Plates", days_ago(2), target_id=1, disturbance=8),
        LogFacts("Plates", days_ago(1), target_id=1, disturbance=8),
        LogFacts("Plates", days_ago(3), target_id=1, disturbance=8),
    ]
    [stirred] = resolved_stirred(targets, entries, last_session_at=LAST_SESSION, level=7)
    assert stirred.occurred_at == days_ago(1)


def test_only_resolved_targets_and_entries_since_the_last_session_and_the_resolution():
    targets = [
        TargetFacts(1, "in_progress", days_ago(30)),
        TargetFacts(2, "planned", days_ago(30)),
        TargetFacts(3, "set_aside", days_ago(30)),
        TargetFacts(4, "resolved", RESOLVED_AT),
        TargetFacts(5, "resolved", days_ago(3)),  # resolved between sessions
    ]
    entries = [
        LogFacts("a", days_ago(2), target_id=1, disturbance=9),
        LogFacts("b", days_ago(2), target_id=2, disturbance=9),
        LogFacts("c", days_ago(2), target_id=3, disturbance=9),
        LogFacts("d", days_ago(2), target_id=None, disturbance=10),
        LogFacts("e", days_ago(8), target_id=4, disturbance=9),  # before the last session
        LogFacts("f", days_ago(4), target_id=5, disturbance=9),  # before its resolution
    ]
    assert resolved_stirred(targets, entries, last_session_at=LAST_SESSION, level=7) == []
    # After the resolution, it counts.
    entries.append(LogFacts("g", days_ago(1), target_id=5, disturbance=7))
    [stirred] = resolved_stirred(targets, entries, last_session_at=LAST_SESSION, level=7)
    assert (stirred.target_id, stirred.disturbance) == (5, 7)


def test_one_line_per_target_in_the_order_given_and_every_entry_without_a_session():
    targets = [TargetFacts(2, "resolved", RESOLVED_AT), TargetFacts(1, "resolved", RESOLVED_AT)]
    entries = [
        LogFacts("x", days_ago(10), target_id=1, disturbance=9),
        LogFacts("y", days_ago(9), target_id=2, disturbance=7),
        LogFacts("y", days_ago(8), target_id=2, disturbance=7),
    ]
    # No session held: every entry given counts (the caller gives the last four weeks).
    found = resolved_stirred(targets, entries, last_session_at=None, level=7)
    assert [(s.target_id, s.disturbance, s.occurred_at) for s in found] == [
        (2, 7, days_ago(8)),
        (1, 9, days_ago(10)),
    ]


# A resolved target reevaluated above SUD 1 --------------------------------------------

# Resolved at the end of the session two weeks ago (it started 45 minutes before).
RESOLVED_END = days_ago(14) + dt.timedelta(minutes=45)


def reevaluated(sud: int, days: float, target_id: int = 1) -> RecordFacts:
    return RecordFacts(target_id, days_ago(days), (8,), reevaluation_sud=sud)


def test_a_resolved_target_reevaluated_at_sud_2_is_to_reopen_at_sud_1_not():
    resolved = TargetFacts(1, "resolved", RESOLVED_END)
    assert REOPEN_ABOVE == 1
    assert disturbance_returned([resolved], [reevaluated(1, 7)]) == []
    [back] = disturbance_returned([resolved], [reevaluated(2, 7)])
    assert (back.target_id, back.sud, back.reevaluated_at, back.resolved_at) == (
        1,
        2,
        days_ago(7),
        RESOLVED_END,
    )


def test_a_reevaluation_before_the_resolution_does_not_count():
    """The session it was resolved in began with a reevaluation at SUD 5: that measured the
    work the resolution concluded, not a return."""
    resolved = TargetFacts(1, "resolved", RESOLVED_END)
    records = [reevaluated(6, 21), reevaluated(5, 14)]
    assert disturbance_returned([resolved], records) == []
    # Resolved again since a reevaluation above 1: counted from the new resolution.
    again = TargetFacts(1, "resolved", days_ago(3))
    assert disturbance_returned([again], [reevaluated(4, 7)]) == []


def test_a_target_reopened_since_or_set_aside_is_not_raised():
    records = [reevaluated(5, 7, target_id=n) for n in (1, 2, 3)]
    targets = [
        TargetFacts(1, "in_progress", days_ago(6)),  # reopened after that reevaluation
        TargetFacts(2, "planned", days_ago(6)),
        TargetFacts(3, "set_aside", days_ago(6)),
    ]
    assert disturbance_returned(targets, records) == []


def test_the_latest_reevaluation_since_the_resolution_decides():
    resolved = TargetFacts(1, "resolved", RESOLVED_END)
    # Back at 5, then down to 0 at the next session: it settled again.
    assert disturbance_returned([resolved], [reevaluated(5, 7), reevaluated(0, 1)]) == []
    # At 0, then back at 4: to reopen, naming the 4.
    [back] = disturbance_returned([resolved], [reevaluated(4, 1), reevaluated(0, 7)])
    assert (back.sud, back.reevaluated_at) == (4, days_ago(1))
    # A session without a reevaluation SUD changes nothing.
    later = RecordFacts(1, days_ago(0.5), (1,))
    [back] = disturbance_returned([resolved], [reevaluated(4, 1), later])
    assert back.sud == 4


def test_one_per_target_in_the_order_given():
    targets = [TargetFacts(2, "resolved", RESOLVED_END), TargetFacts(1, "resolved", RESOLVED_END)]
    records = [reevaluated(3, 7, target_id=1), reevaluated(9, 7, target_id=2)]
    found = disturbance_returned(targets, records)
    assert [(b.target_id, b.sud) for b in found] == [(2, 9), (1, 3)]
