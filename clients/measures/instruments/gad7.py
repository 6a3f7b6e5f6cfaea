"""GAD-7, the Generalized Anxiety Disorder scale (Spitzer, Kroenke, Williams & Löwe 2006)."""

from django.utils.translation import gettext_lazy as _

from .definition import Band, Instrument, Item, Setting
from .phq9 import DIFFICULTY, DIFFICULTY_OPTIONS, FREQUENCY, PFIZER_LINE

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
    difficulty=DIFFICULTY,
    paired_with="phq9",
    difficulty_options=DIFFICULTY_OPTIONS,
    loinc_panel="69737-5",
    loinc_total="70274-6",
    loinc_unverified=True,  # the panel code; the total 70274-6 is checked
)
