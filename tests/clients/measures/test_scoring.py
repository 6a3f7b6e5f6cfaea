"""Scoring, hand-worked per instrument: ends of the range, every band edge, sub-scales and the
diagnostic rules. Pure: no database."""

import pytest

from clients.measures.instruments import INSTRUMENTS, instrument
from clients.measures.scoring import answer_errors, score

PHQ9, GAD7, PCL5, ITQ = (instrument(code) for code in ("phq9", "gad7", "pcl5", "itq"))


def with_total(definition, total: int) -> dict[str, int]:
    """Answers whose total is ``total``: fill items with the top value, in order."""
    top = max(option.value for option in definition.options["main"])
    answers = {}
    for code in definition.item_codes:
        answers[code] = min(top, total)
        total -= answers[code]
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_edges(total, band):
    scored = score(PHQ9, with_total(PHQ9, total))
    assert (scored.total, scored.band) == (total, band)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_band_edges(total, band):
    scored = score(GAD7, with_total(GAD7, total))
    assert (scored.total, scored.band) == (total, band)


def test_every_total_has_exactly_one_band_where_bands_are_published():
    for definition in (PHQ9, GAD7):
        low, high = definition.total_range
        for total in range(low, high + 1):
            assert len([b for b in definition.bands if b.low <= total <= b.high]) == 1


def test_pcl5_lowest_and_highest_totals_have_no_band():
    assert score(PCL5, with_total(PCL5, 0)).total == 0
    highest = score(PCL5, with_total(PCL5, 80))
    assert (highest.total, highest.band) == (80, "")


def test_the_difficulty_item_is_never_in_the_total():
    answers = with_total(PHQ9, 12)
    assert "difficulty" not in PHQ9.total_items
    assert answer_errors(PHQ9, answers, difficulty=3) == {}
    assert score(PHQ9, answers).total == 12


def test_pcl5_clusters_sum_their_own_items():
    answers = {str(n): 0 for n in range(1, 21)}
    answers.update({"1": 4, "5": 1, "6": 3, "8": 2, "14": 2, "15": 1, "20": 4})
    assert score(PCL5, answers).subscales == {"B": 5, "C": 3, "D": 4, "E": 5}
    assert score(PCL5, answers).total == 17


def pcl5_with(*items_at_two: int) -> dict[str, int]:
    answers = {str(n): 1 for n in range(1, 21)}  # 1 never counts as a symptom
    answers.update({str(n): 2 for n in items_at_two})
    return answers


def test_pcl5_dsm5_rule_needs_one_b_one_c_two_d_two_e_at_2_or_more():
    met = score(PCL5, pcl5_with(1, 6, 8, 9, 15, 16))
    assert met.rules == {"dsm5": True} and met.diagnosis == "ptsd"
    for missing in (1, 6, 9, 16):  # one fewer in each cluster
        items = [n for n in (1, 6, 8, 9, 15, 16) if n != missing]
        unmet = score(PCL5, pcl5_with(*items))
        assert unmet.rules == {"dsm5": False} and unmet.diagnosis == ""


def test_pcl5_high_total_without_the_pattern_is_no_provisional_diagnosis():
    answers = {str(n): 0 for n in range(1, 21)}
    answers.update({str(n): 4 for n in range(8, 21)})  # no intrusion, no avoidance
    scored = score(PCL5, answers)
    assert scored.total == 52 and scored.diagnosis == ""


def itq_with(*items_at_two: str) -> dict[str, int]:
    answers = dict.fromkeys(ITQ.item_codes, 1)
    answers.update(dict.fromkeys(items_at_two, 2))
    return answers


PTSD_ITEMS = ("P2", "P3", "P6", "P9")
DSO_ITEMS = ("C1", "C4", "C5", "C7")


def test_itq_ptsd_alone_is_ptsd():
    scored = score(ITQ, itq_with(*PTSD_ITEMS))
    assert scored.rules == {"ptsd": True, "dso": False}
    assert scored.diagnosis == "ptsd"


def test_itq_ptsd_and_dso_is_complex_ptsd_not_both():
    scored = score(ITQ, itq_with(*PTSD_ITEMS, *DSO_ITEMS))
    assert scored.rules == {"ptsd": True, "dso": True}
    assert scored.diagnosis == "cptsd"


def test_itq_dso_without_ptsd_is_no_diagnosis():
    assert score(ITQ, itq_with(*DSO_ITEMS)).diagnosis == ""


@pytest.mark.parametrize("left_out", PTSD_ITEMS)
def test_itq_each_ptsd_cluster_and_impairment_is_needed(left_out):
    items = [code for code in PTSD_ITEMS if code != left_out]
    assert score(ITQ, itq_with(*items, *DSO_ITEMS)).diagnosis == ""


def test_itq_has_no_total_and_sums_ptsd_and_dso_apart_from_impairment():
    answers = dict.fromkeys(ITQ.item_codes, 0)
    answers.update({"P1": 4, "P6": 3, "P7": 4, "C2": 2, "C6": 1, "C9": 4})
    scored = score(ITQ, answers)
    assert scored.total is None
    assert scored.subscales == {"ptsd": 7, "dso": 3}


def test_each_missing_item_is_named_and_nothing_is_scored_as_zero():
    answers = dict.fromkeys(PHQ9.item_codes, 1)
    del answers["3"], answers["9"]
    errors = answer_errors(PHQ9, answers)
    assert set(errors) == {"3", "9"}
    assert "3" in errors["3"][0] and "9" in errors["9"][0]
    with pytest.raises(ValueError):
        score(PHQ9, answers)


@pytest.mark.parametrize("bad", [4, -1, "2", 1.0, True, None])
def test_a_value_off_the_scale_is_refused_by_item(bad):
    answers = dict.fromkeys(GAD7.item_codes, 0)
    answers["2"] = bad
    assert set(answer_errors(GAD7, answers)) == {"2"}


def test_unknown_items_and_a_difficulty_where_there_is_none_are_refused():
    answers = dict.fromkeys(PCL5.item_codes, 0)
    answers["21"] = 1
    assert set(answer_errors(PCL5, answers, difficulty=1)) == {"21", "difficulty"}
    assert answer_errors(PCL5, ["not", "a", "dict"]) == {
        "answers": ["Give an object of item codes to answer values."]
    }


def test_every_definition_is_complete():
    for definition in INSTRUMENTS.values():
        assert definition.items and definition.version and definition.attribution
        for item in definition.items:
            assert item.text and definition.options_for(item)
        for group in (*definition.total_items, *(c for s in definition.subscales for c in s.items)):
            assert group in definition.item_codes
        for rule in definition.rules:
            assert all(code in definition.item_codes for items, _n in rule.groups for code in items)
        assert set(definition.charted) <= {"total", *(s.code for s in definition.subscales)}
    assert [len(INSTRUMENTS[c].items) for c in ("phq9", "gad7", "pcl5", "itq")] == [9, 7, 20, 18]
    assert PHQ9.item("9").loinc == "44260-8" and PHQ9.safety_items == ("9",)
