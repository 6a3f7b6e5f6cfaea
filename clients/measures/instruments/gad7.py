"""GAD-7, the Generalized Anxiety Disorder scale (Spitzer, Kroenke, Williams & Löwe 2006).

Stem and items follow the authors' Pfizer form as reproduced in CamCOPS
(extra_strings/gad7.xml) and in LOINC's item names: "anxious or on edge" and "it is hard",
where the figure in Spitzer et al. 2006 as widely reprinted reads "anxious, or on edge" and
"it's". CamCOPS's stem says "by any of the following problems"; the reprints of the form
say "by the following problems", kept here.

LOINC: panel 69737-5, items and total 70274-6 as in the LHC-Forms rendering of the LOINC
panel (and Wikipedia's infobox for the panel). In that panel item 2 (68509-9) carries
LOINC's own answer list, whose value 2 is LA18938-3 "More days than not"; our options are
per section, so item 2 is coded like the others (LA6570-1) until options can differ by item.
"""

from django.utils.translation import gettext_lazy as _

from .definition import Band, Instrument, Item, Setting
from .phq9 import DIFFICULTY_OPTIONS, FREQUENCY, PFIZER_LINE

# The GAD-7's own difficulty question says "have these made it", not the PHQ-9's "have these
# problems made it": the Spitzer et al. 2006 figure as reprinted (e.g. touringmanual.com's
# copy) and nearly every reproduction; the Pfizer PDF is the one still to compare.
# 69722-7 is LOINC's "How difficult have these made it for you ..." (the PHQ-9 panel's
# term); LOINC's GAD-7 panel has no difficulty item of its own.
GAD7_DIFFICULTY = Item(
    "difficulty",
    "If you checked off any problems, how difficult have these made it for you to do your "
    "work, take care of things at home, or get along with other people?",
    "69722-7",
)

GAD7 = Instrument(
    code="gad7",
    name="GAD-7",
    title="Generalized Anxiety Disorder 7-item scale",
    measures=_("generalised anxiety"),
    version="gad7-2006",
    sections={
        "main": "Over the last 2 weeks, how often have you been bothered by the following "
        "problems?",
    },
    items=(
        Item("1", "Feeling nervous, anxious or on edge", "69725-0", "main"),
        Item("2", "Not being able to stop or control worrying", "68509-9", "main"),
        Item("3", "Worrying too much about different things", "69733-4", "main"),
        Item("4", "Trouble relaxing", "69734-2", "main"),
        Item("5", "Being so restless that it is hard to sit still", "69735-9", "main"),
        Item("6", "Becoming easily annoyed or irritable", "69689-8", "main"),
        Item("7", "Feeling afraid as if something awful might happen", "69736-7", "main"),
    ),
    options={"main": FREQUENCY},
    recall=_("the last 2 weeks"),
    attribution=PFIZER_LINE,
    licence=_(
        "Free to use: no permission is needed to reproduce, translate, display or distribute it."
    ),
    canonical_url="http://loinc.org/q/69737-5",
    total_items=("1", "2", "3", "4", "5", "6", "7"),
    total_range=(0, 21),
    bands=(
        Band(0, 4, "minimal", _("minimal")),
        Band(5, 9, "mild", _("mild")),
        Band(10, 14, "moderate", _("moderate")),
        Band(15, 21, "severe", _("severe")),
    ),
    caseness=Setting(
        8,
        _("NHS Talking Therapies use 8 or more; the original paper uses 10. A clinic may choose."),
    ),
    reliable_change=Setting(4, _("NHS Talking Therapies: 4 points or more.")),
    difficulty=GAD7_DIFFICULTY,
    paired_with="phq9",
    difficulty_options=DIFFICULTY_OPTIONS,
    loinc_panel="69737-5",
    loinc_total="70274-6",
    # Panel 69737-5, items, total and answer codes are now checked (see the docstring); the
    # flag stays set only because LOINC codes item 2's value 2 as LA18938-3, not LA6570-1.
    loinc_unverified=True,
)
