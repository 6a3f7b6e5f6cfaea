"""PHQ-9, the Patient Health Questionnaire depression module (Kroenke, Spitzer & Williams 2001).

Wording follows the authors' Pfizer form (phqscreeners.com), as reproduced in CamCOPS
(server/camcops_server/extra_strings/phq9.xml): spaced em dashes in items 6 and 8, the "?"
inside item 8, no comma after "dead" in item 9. LOINC's display names (used as item text in
the HL7 US Core Questionnaire-phq-9-example.json) differ - hyphens, "dead, or", "noticed." -
and are names, not the form, so they are not followed here.

LOINC codes (panel 44249-1, items, total 44261-6, difficulty 69722-7, the answer codes and
which text each belongs to) checked against the US Core example, which is generated from
the LOINC panel by the LHC-Forms tool.
"""

from django.utils.translation import gettext_lazy as _

from .definition import Band, Instrument, Item, Option, Setting

FREQUENCY = (
    Option(0, "Not at all", "LA6568-5"),
    Option(1, "Several days", "LA6569-3"),
    Option(2, "More than half the days", "LA6570-1"),
    Option(3, "Nearly every day", "LA6571-9"),
)

DIFFICULTY = Item(
    "difficulty",
    "If you checked off any problems, how difficult have these problems made it for you "
    "to do your work, take care of things at home, or get along with other people?",
    "69722-7",
)

DIFFICULTY_OPTIONS = (
    Option(0, "Not difficult at all", "LA6572-7"),
    Option(1, "Somewhat difficult", "LA6573-5"),
    Option(2, "Very difficult", "LA6575-0"),
    Option(3, "Extremely difficult", "LA6574-3"),
)

PFIZER_LINE = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc."
)

PHQ9 = Instrument(
    code="phq9",
    name="PHQ-9",
    title="Patient Health Questionnaire",
    measures=_("depression"),
    version="phq9-2001",
    sections={
        "main": "Over the last 2 weeks, how often have you been bothered by any of the "
        "following problems?",
    },
    items=(
        Item("1", "Little interest or pleasure in doing things", "44250-9", "main"),
        Item("2", "Feeling down, depressed, or hopeless", "44255-8", "main"),
        Item("3", "Trouble falling or staying asleep, or sleeping too much", "44259-0", "main"),
        Item("4", "Feeling tired or having little energy", "44254-1", "main"),
        Item("5", "Poor appetite or overeating", "44251-7", "main"),
        Item(
            "6",
            "Feeling bad about yourself — or that you are a failure or have let yourself "
            "or your family down",
            "44258-2",
            "main",
        ),
        Item(
            "7",
            "Trouble concentrating on things, such as reading the newspaper or watching television",
            "44252-5",
            "main",
        ),
        Item(
            "8",
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual",
            "44253-3",
            "main",
        ),
        Item(
            "9",
            "Thoughts that you would be better off dead or of hurting yourself in some way",
            "44260-8",
            "main",
        ),
    ),
    options={"main": FREQUENCY},
    recall=_("the last 2 weeks"),
    attribution=PFIZER_LINE,
    licence=_(
        "Free to use: no permission is needed to reproduce, translate, display or distribute it."
    ),
    canonical_url="http://loinc.org/q/44249-1",
    total_items=("1", "2", "3", "4", "5", "6", "7", "8", "9"),
    total_range=(0, 27),
    bands=(
        Band(0, 4, "minimal", _("minimal")),
        Band(5, 9, "mild", _("mild")),
        Band(10, 14, "moderate", _("moderate")),
        Band(15, 19, "moderately_severe", _("moderately severe")),
        Band(20, 27, "severe", _("severe")),
    ),
    caseness=Setting(10, _("A total of 10 or more is the usual cut-off for a case.")),
    reliable_change=Setting(6, _("NHS Talking Therapies: 6 points or more.")),
    safety_items=("9",),
    difficulty=DIFFICULTY,
    paired_with="gad7",
    difficulty_options=DIFFICULTY_OPTIONS,
    loinc_panel="44249-1",
    loinc_total="44261-6",
)
