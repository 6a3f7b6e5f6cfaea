"""The Measures readings, worked by hand from the NHS Talking Therapies rules. Pure."""

import datetime as dt

from clients.measures.change import Criteria, change_between, paired
from clients.measures.instruments import INSTRUMENTS
from clients.measures.selectors import Series
from reports.readings.measures import measure_reading

PHQ9, GAD7, PCL5, ITQ = (INSTRUMENTS[code] for code in ("phq9", "gad7", "pcl5", "itq"))
PHQ9_RULES, GAD7_RULES, PCL5_RULES = Criteria(10, 6), Criteria(8, 4), Criteria(33, 10)
NO_RULES = Criteria(None, None)


def at(week: int) -> dt.datetime:
    return dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC) + dt.timedelta(weeks=week)


def series(instrument, criteria, *values, charted="total", label=None, change=None) -> Series:
    points = [(at(2 * n), value) for n, value in enumerate(values)]
    if change is None and len(values) > 1:
        change = change_between(values[0], values[-1], criteria)
    return Series(instrument, charted, label or instrument.name, points, change)


def stored_band(instrument, value: int) -> str:
    """The band code a response of this total was stored with, scored today."""
    band = instrument.band_for(value)
    return band.code if band else ""


def read(instrument, criteria, *values, **diagnoses) -> str:
    return measure_reading(
        instrument,
        [series(instrument, criteria, *values)],
        criteria,
        first_band=stored_band(instrument, values[0]),
        latest_band=stored_band(instrument, values[-1]),
        **diagnoses,
    )


def test_reliable_improvement_and_recovery_as_the_issue_words_it():
    # 17 → 9: 8 points down (6 needed); a case at 17 (10 or more), not at 9.
    assert read(PHQ9, PHQ9_RULES, 17, 12, 9) == (
        "PHQ-9 fell from 17, moderately severe, to 9, mild: reliable improvement and recovery."
    )


def test_one_score_only_says_so():
    assert read(PHQ9, PHQ9_RULES, 17) == "One PHQ-9 score so far: 17, moderately severe."
    # no bands for PCL-5: the cut-off says where it stands
    assert read(PCL5, PCL5_RULES, 40) == (
        "One PCL-5 score so far: 40, at or above the cut-off of 33. "
        "The latest answers do not meet the criteria for provisional PTSD (DSM-5)."
    )
    assert read(PCL5, PCL5_RULES, 32).startswith(
        "One PCL-5 score so far: 32, below the cut-off of 33."
    )


def test_five_points_on_phq9_is_no_reliable_change():
    # 15 → 10: 5 points, one short of 6; still a case at 10.
    assert read(PHQ9, PHQ9_RULES, 15, 10) == (
        "PHQ-9 fell from 15, moderately severe, to 10, moderate: no reliable change "
        "(6 points or more count as reliable)."
    )


def test_six_points_on_phq9_still_a_case_is_reliable_improvement_only():
    assert read(PHQ9, PHQ9_RULES, 22, 16) == (
        "PHQ-9 fell from 22, severe, to 16, moderately severe: reliable improvement, "
        "still at or above the cut-off of 10."
    )


def test_recovery_without_reliable_improvement_says_by_how_little():
    # 11 → 8 on PHQ-9: no longer a case, but 3 points is less than 6.
    assert read(PHQ9, PHQ9_RULES, 11, 8) == (
        "PHQ-9 fell from 11, moderate, to 8, mild: recovery, by less than the 6 points "
        "that count as reliable."
    )


def test_recovery_does_not_apply_below_caseness_at_baseline():
    # GAD-7 7 → 2: not a case at 7 (8 or more); 5 points is reliable (4 needed).
    assert read(GAD7, GAD7_RULES, 7, 2) == (
        "GAD-7 fell from 7, mild, to 2, minimal: reliable improvement; recovery does not "
        "apply, as it started below the cut-off of 8."
    )
    assert read(GAD7, GAD7_RULES, 7, 5) == (
        "GAD-7 fell from 7, mild, to 5, mild: no reliable change; recovery does not apply, "
        "as it started below the cut-off of 8."
    )


def test_reliable_deterioration():
    # GAD-7 6 → 10: up 4, the criterion exactly.
    assert read(GAD7, GAD7_RULES, 6, 10) == (
        "GAD-7 rose from 6, mild, to 10, moderate: reliable deterioration."
    )


def test_the_same_score_at_first_and_latest():
    assert read(PHQ9, PHQ9_RULES, 12, 16, 12) == (
        "PHQ-9 was 12, moderate, at the first score and at the latest: no reliable change "
        "(6 points or more count as reliable)."
    )


def test_pcl5_words_its_cut_off_and_diagnosis():
    assert read(PCL5, PCL5_RULES, 50, 30, first_diagnosis="ptsd", latest_diagnosis="") == (
        "PCL-5 fell from 50 to 30: reliable improvement and recovery. "
        "The latest answers do not meet the criteria for provisional PTSD (DSM-5). "
        "The first met those for provisional PTSD (DSM-5)."
    )


def test_an_improvement_while_the_pair_reliably_deteriorates_is_not_counted():
    gad = change_between(6, 11, GAD7_RULES)  # up 5: reliable deterioration
    phq = paired(change_between(17, 9, PHQ9_RULES), gad)
    text = measure_reading(
        PHQ9,
        [series(PHQ9, PHQ9_RULES, 17, 9, change=phq)],
        PHQ9_RULES,
        first_band="moderately_severe",
        latest_band="mild",
    )
    assert text == (
        "PHQ-9 fell from 17, moderately severe, to 9, mild: recovery, but not counted as "
        "reliable improvement while GAD-7 reliably deteriorated."
    )
    phq = paired(change_between(22, 15, PHQ9_RULES), gad)
    text = measure_reading(PHQ9, [series(PHQ9, PHQ9_RULES, 22, 15, change=phq)], PHQ9_RULES)
    assert text.endswith(": not counted as reliable improvement while GAD-7 reliably deteriorated.")


def test_an_improvement_short_of_the_points_is_not_said_to_be_paired_away():
    # PHQ-9 17 → 13 is 4 points (6 reliable): no improvement for the pairing to take away
    gad = change_between(6, 11, GAD7_RULES)
    phq = paired(change_between(17, 13, PHQ9_RULES), gad)
    text = measure_reading(PHQ9, [series(PHQ9, PHQ9_RULES, 17, 13, change=phq)], PHQ9_RULES)
    assert text.endswith(": no reliable change (6 points or more count as reliable).")
    # a clinic counting 4 points as reliable: the same scores are an improvement paired away
    clinic = Criteria(10, 4)
    phq = paired(change_between(17, 13, clinic), gad)
    text = measure_reading(PHQ9, [series(PHQ9, clinic, 17, 13, change=phq)], clinic)
    assert text.endswith(": not counted as reliable improvement while GAD-7 reliably deteriorated.")


def test_the_bands_are_those_stored_with_the_responses_not_recomputed():
    # scored by an older version whose bands differed: the stored band is what was said then
    text = measure_reading(
        PHQ9,
        [series(PHQ9, PHQ9_RULES, 17, 9)],
        PHQ9_RULES,
        first_band="severe",
        latest_band="moderate",
    )
    assert text.startswith("PHQ-9 fell from 17, severe, to 9, moderate: ")
    # a band code today's definition no longer has is left unsaid, not guessed
    text = measure_reading(
        PHQ9,
        [series(PHQ9, PHQ9_RULES, 17, 9)],
        PHQ9_RULES,
        first_band="retired",
        latest_band="mild",
    )
    assert text.startswith("PHQ-9 fell from 17 to 9: ")
    one = measure_reading(PHQ9, [series(PHQ9, PHQ9_RULES, 17)], PHQ9_RULES, latest_band="severe")
    assert one == "One PHQ-9 score so far: 17, severe."


def test_itq_reads_its_two_sums_and_its_diagnoses():
    ptsd = series(ITQ, NO_RULES, 16, 8, charted="ptsd", label="PTSD symptoms")
    dso = series(ITQ, NO_RULES, 14, 14, charted="dso", label="Disturbances in self-organisation")
    assert measure_reading(
        ITQ, [ptsd, dso], NO_RULES, first_diagnosis="cptsd", latest_diagnosis="ptsd"
    ) == (
        "PTSD symptoms fell from 16 to 8. "
        "Disturbances in self-organisation was 14 at the first score and at the latest. "
        "No reliable-change criterion is published for the ITQ, so change is not judged. "
        "The latest answers meet the criteria for provisional PTSD (ICD-11). "
        "The first met those for provisional complex PTSD (ICD-11)."
    )


def test_itq_with_one_response_and_no_diagnosis():
    ptsd = series(ITQ, NO_RULES, 3, charted="ptsd", label="PTSD symptoms")
    dso = series(ITQ, NO_RULES, 5, charted="dso", label="Disturbances in self-organisation")
    assert measure_reading(ITQ, [ptsd, dso], NO_RULES) == (
        "PTSD symptoms: 3 (one score so far). "
        "Disturbances in self-organisation: 5 (one score so far). "
        "The latest answers do not meet the criteria for provisional complex PTSD (ICD-11) "
        "or provisional PTSD (ICD-11)."
    )


def test_no_scores():
    assert measure_reading(PHQ9, [], PHQ9_RULES) == "No PHQ-9 scores yet."
