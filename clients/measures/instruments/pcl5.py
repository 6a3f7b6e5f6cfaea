"""PCL-5, the PTSD Checklist for DSM-5 (Weathers et al., National Center for PTSD, 2013).

Instructions, stem, the 20 items and the options follow the VA form (PCL-5_Standard.pdf)
as reproduced in CamCOPS (extra_strings/pcl5.xml, which changes only "circle one of the
numbers"; kept here as printed) and in the many copies pasted from the PDF: item 17's
curly quotes come from those copies. Citation as the National Center for PTSD gives it.

LOINC: panel 101697-1 "Post traumatic stress disorder checklist - civilian version DSM-5
[PCL-5]" and score 101698-9 "PTSD PCL-5 score [PCL-5]" (LOINC 2.75, via findacode.com and
healthassure.in's copies of the LOINC table). No item or answer codes for the panel's
20 items were found, so the items carry none.
"""

from django.utils.translation import gettext_lazy as _

from .definition import Diagnosis, Instrument, Item, Option, Rule, Setting, Subscale

BOTHERED = (
    Option(0, "Not at all"),
    Option(1, "A little bit"),
    Option(2, "Moderately"),
    Option(3, "Quite a bit"),
    Option(4, "Extremely"),
)

_ITEMS = (
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening "
    "again (as if you were actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful "
    "experience (for example, heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, "
    "conversations, activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for "
    "example, having thoughts such as: I am bad, there is something seriously wrong with "
    "me, no one can be trusted, the world is completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it?",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness or "
    "have loving feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    "Being “superalert” or watchful or on guard?",
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
)


def _numbers(first: int, last: int) -> tuple[str, ...]:
    return tuple(str(n) for n in range(first, last + 1))


B, C, D, E = _numbers(1, 5), _numbers(6, 7), _numbers(8, 14), _numbers(15, 20)

PCL5 = Instrument(
    code="pcl5",
    name="PCL-5",
    title="PTSD Checklist for DSM-5",
    measures=_("PTSD symptoms (DSM-5)"),
    version="pcl5-2013",
    sections={
        "main": "Below is a list of problems that people sometimes have in response to a very "
        "stressful experience. Please read each problem carefully and then circle one of the "
        "numbers to the right to indicate how much you have been bothered by that problem in "
        "the past month. In the past month, how much were you bothered by:",
    },
    items=tuple(Item(str(n), text, "", "main") for n, text in enumerate(_ITEMS, start=1)),
    options={"main": BOTHERED},
    recall=_("the past month"),
    attribution="Weathers, F.W., Litz, B.T., Keane, T.M., Palmieri, P.A., Marx, B.P., & "
    "Schnurr, P.P. (2013). The PTSD Checklist for DSM-5 (PCL-5). Scale available from the "
    "National Center for PTSD at www.ptsd.va.gov.",
    licence=_(
        "A work of the US government (VA National Center for PTSD): in the public "
        "domain (not yet checked at the VA's page)."
    ),
    canonical_url="http://loinc.org/q/101697-1",
    total_items=_numbers(1, 20),
    total_range=(0, 80),
    # No severity bands are published: the chart draws only the cut-off.
    caseness=Setting(
        33, _("Probable PTSD at 31-33 in published reviews; 33 unless the clinic chooses.")
    ),
    reliable_change=Setting(
        10,
        _("10 points is clinically meaningful; 5-10 is reliable. 10 unless the clinic chooses."),
    ),
    subscales=(
        Subscale("B", _("Intrusions (B)"), B),
        Subscale("C", _("Avoidance (C)"), C),
        Subscale("D", _("Negative thoughts and mood (D)"), D),
        Subscale("E", _("Arousal and reactivity (E)"), E),
    ),
    rules=(
        Rule(
            "dsm5",
            _("DSM-5 symptom pattern"),
            threshold=2,
            groups=((B, 1), (C, 1), (D, 2), (E, 2)),
        ),
    ),
    diagnoses=(Diagnosis("ptsd", _("provisional PTSD (DSM-5)"), ("dsm5",)),),
    loinc_panel="101697-1",
    loinc_total="101698-9",
    # Panel and score codes are checked; the items have no LOINC codes that could be found.
    loinc_unverified=True,
)
