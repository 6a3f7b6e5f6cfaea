"""The resolution rule at its edges: pure, no database."""

import pytest

from clients.emdr.resolution import grounds_for, reading


def test_sud_zero_voc_seven_clear_reads_as_resolved():
    read = reading(sud_end=0, voc_installed=7, body_scan_clear=True)
    assert (read.meets_rule, read.needs_judgement, read.problems) == (True, False, {})


@pytest.mark.parametrize(
    ("sud", "voc"), [(1, 7), (0, 6), (0, 5), (1, 5)], ids=["sud1", "voc6", "voc5", "both"]
)
def test_within_reach_needs_the_therapists_judgement(sud, voc):
    read = reading(sud_end=sud, voc_installed=voc, body_scan_clear=True)
    assert (read.meets_rule, read.needs_judgement, read.problems) == (False, True, {})


@pytest.mark.parametrize(
    ("numbers", "blocking"),
    [
        ({"sud_end": 2, "voc_installed": 7, "body_scan_clear": True}, ["sud_end"]),
        ({"sud_end": 0, "voc_installed": 4, "body_scan_clear": True}, ["voc_installed"]),
        ({"sud_end": 0, "voc_installed": 7, "body_scan_clear": False}, ["body_scan_clear"]),
        ({"sud_end": 0, "voc_installed": 7, "body_scan_clear": None}, ["body_scan_clear"]),
        (
            {"sud_end": None, "voc_installed": None, "body_scan_clear": True},
            ["sud_end", "voc_installed"],
        ),
    ],
)
def test_out_of_reach_names_each_field_in_the_way(numbers, blocking):
    read = reading(**numbers)
    assert not read.meets_rule and not read.needs_judgement
    assert sorted(read.problems) == sorted(blocking)


def test_the_rule_met_needs_no_word_more():
    assert grounds_for(sud_end=0, voc_installed=7, body_scan_clear=True) == ("rule", {})


def test_sud_one_needs_the_therapist_to_judge_it_fitting():
    grounds, problems = grounds_for(sud_end=1, voc_installed=7, body_scan_clear=True)
    assert (grounds, list(problems)) == ("", ["sud_one_fitting"])
    assert grounds_for(sud_end=1, voc_installed=7, body_scan_clear=True, sud_one_fitting=True) == (
        "sud_one",
        {},
    )


@pytest.mark.parametrize("voc", [5, 6])
def test_voc_five_or_six_is_accepted_only_with_a_reason(voc):
    grounds, problems = grounds_for(sud_end=0, voc_installed=voc, body_scan_clear=True)
    assert (grounds, list(problems)) == ("", ["reason"])
    blank = grounds_for(sud_end=0, voc_installed=voc, body_scan_clear=True, reason="   ")
    assert list(blank[1]) == ["reason"]
    accepted = grounds_for(
        sud_end=0, voc_installed=voc, body_scan_clear=True, reason="Seven is not true to life."
    )
    assert accepted == ("voc_accepted", {})


def test_sud_one_and_voc_six_need_both_the_judgement_and_the_reason():
    grounds, problems = grounds_for(sud_end=1, voc_installed=6, body_scan_clear=True)
    assert sorted(problems) == ["reason", "sud_one_fitting"]
    assert grounds_for(
        sud_end=1, voc_installed=6, body_scan_clear=True, sud_one_fitting=True, reason="ok"
    ) == ("voc_accepted", {})


def test_voc_four_is_not_accepted_whatever_the_reason():
    grounds, problems = grounds_for(
        sud_end=0, voc_installed=4, body_scan_clear=True, reason="It feels enough."
    )
    assert grounds == "" and list(problems) == ["voc_installed"]
