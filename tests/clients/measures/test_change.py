"""Change over an episode, hand-worked at every boundary. Pure: no database."""

import pytest

from clients.measures.change import Criteria, change_between, paired

PHQ9 = Criteria(caseness=10, reliable_change=6)
GAD7 = Criteria(caseness=8, reliable_change=4)
ITQ = Criteria(caseness=None, reliable_change=None)


@pytest.mark.parametrize(
    ("baseline", "latest", "improved", "worse"),
    [(15, 10, False, False), (15, 9, True, False), (5, 10, False, False), (5, 11, False, True)],
)
def test_phq9_reliable_change_is_6_points_not_5(baseline, latest, improved, worse):
    change = change_between(baseline, latest, PHQ9)
    assert (change.reliable_improvement, change.reliable_deterioration) == (improved, worse)


@pytest.mark.parametrize(
    ("baseline", "latest", "improved", "worse"),
    [(12, 9, False, False), (12, 8, True, False), (3, 6, False, False), (3, 7, False, True)],
)
def test_gad7_reliable_change_is_4_points_not_3(baseline, latest, improved, worse):
    change = change_between(baseline, latest, GAD7)
    assert (change.reliable_improvement, change.reliable_deterioration) == (improved, worse)


def test_recovery_is_a_case_at_baseline_and_not_at_the_latest():
    assert change_between(10, 9, PHQ9).recovery is True  # 10 is a case, 9 is not
    assert change_between(10, 9, PHQ9).reliable_recovery is False  # 1 point is not reliable
    assert change_between(11, 10, PHQ9).recovery is False  # still a case


def test_reliable_recovery_needs_both():
    change = change_between(17, 9, PHQ9)
    assert (change.recovery, change.reliable_improvement, change.reliable_recovery) == (
        True,
        True,
        True,
    )
    assert change.outcome == "reliable_recovery"
    assert change.change == -8


def test_recovery_does_not_apply_below_caseness_and_is_not_a_failure():
    change = change_between(9, 2, PHQ9)  # not a case at baseline
    assert change.recovery is None and change.reliable_recovery is None
    assert change.reliable_improvement is True
    assert change.outcome == "reliable_improvement"


def test_gad7_caseness_at_8():
    assert change_between(8, 7, GAD7).recovery is True
    assert change_between(7, 2, GAD7).recovery is None


def test_a_clinic_cut_off_moves_the_verdict():
    original_paper = Criteria(caseness=10, reliable_change=4)
    assert change_between(9, 4, original_paper).recovery is None
    assert change_between(9, 4, GAD7).recovery is True


def test_without_published_criteria_everything_is_not_applicable():
    change = change_between(18, 6, ITQ)
    assert change.reliable_improvement is None and change.recovery is None
    assert change.outcome == "not_applicable"


def test_deterioration_is_named_first():
    assert change_between(4, 12, PHQ9).outcome == "reliable_deterioration"
    assert change_between(12, 11, PHQ9).outcome == "no_reliable_change"


def test_improvement_beside_reliable_deterioration_on_its_pair_is_not_improvement():
    phq9 = change_between(17, 9, PHQ9)
    gad7_worse = change_between(4, 12, GAD7)
    adjusted = paired(phq9, gad7_worse)
    assert adjusted.reliable_improvement is False and adjusted.reliable_recovery is False
    assert adjusted.recovery is True  # caseness is the instrument's own
    assert paired(phq9, change_between(4, 7, GAD7)) == phq9  # 3 points: not reliable
    assert paired(phq9, None) == phq9
