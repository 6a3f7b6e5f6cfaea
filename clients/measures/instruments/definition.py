"""The shape of an instrument's definition: plain, frozen data, no behaviour.

A definition says everything the product needs to show, score and export one version
of a published questionnaire. Scoring (``clients.measures.scoring``) and change
(``clients.measures.change``) read it; nothing else knows one instrument from another.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    value: int
    text: str  # the published wording
    loinc: str = ""  # a LOINC answer code, where one exists


@dataclass(frozen=True)
class Item:
    code: str  # stable within the instrument: "1".."9", "P1", "C6"
    text: str  # the published wording, word for word
    loinc: str = ""
    section: str = ""  # the key of the section (stem) it is asked under


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    code: str
    label: str


@dataclass(frozen=True)
class Subscale:
    code: str
    label: str
    items: tuple[str, ...]  # summed


@dataclass(frozen=True)
class Rule:
    """A criterion met when, in each group, at least ``at_least`` items score ``threshold``
    or more (the "symptom counts at 2, moderately" convention of PCL-5 and ITQ)."""

    code: str
    label: str
    threshold: int
    groups: tuple[tuple[tuple[str, ...], int], ...]  # ((items), at_least)


@dataclass(frozen=True)
class Diagnosis:
    """A provisional diagnosis, given when every named rule is met. Listed in order of
    precedence: the first that applies is the one given (ITQ: complex PTSD, then PTSD)."""

    code: str
    label: str
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Setting:
    """A value a clinic may change (MEASURES.md marks it unverified or disputed)."""

    default: int
    why: str


@dataclass(frozen=True)
class Instrument:
    code: str  # "phq9"
    name: str  # "PHQ-9"
    title: str  # "Patient Health Questionnaire"
    measures: str
    version: str
    sections: dict[str, str]  # key -> the stem read before its items
    items: tuple[Item, ...]  # every scored item, in order
    options: dict[str, tuple[Option, ...]]  # section key -> its response options
    recall: str
    attribution: str
    licence: str
    canonical_url: str  # the FHIR Questionnaire this version answers
    # What is summed into the total; empty when the instrument has no single total.
    total_items: tuple[str, ...] = ()
    total_range: tuple[int, int] | None = None
    bands: tuple[Band, ...] = ()
    caseness: Setting | None = None  # a case at or above this total
    reliable_change: Setting | None = None  # points of change that count as reliable
    subscales: tuple[Subscale, ...] = ()
    rules: tuple[Rule, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    # Charted and compared: "total", or the subscales when there is no total (ITQ).
    charted: tuple[str, ...] = ("total",)
    # An item whose answer above 0 raises a safety alert (PHQ-9 item 9).
    safety_items: tuple[str, ...] = ()
    # The "how difficult" question: asked, stored, never summed.
    difficulty: Item | None = None
    difficulty_options: tuple[Option, ...] = ()
    # The instrument it is read beside: an improvement here while that one reliably
    # deteriorates is not counted as improvement (a clinic may turn this off).
    paired_with: str = ""
    loinc_panel: str = ""
    loinc_total: str = ""
    loinc_unverified: bool = False  # codes not yet checked at loinc.org
    notes: tuple[str, ...] = field(default=())

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def item(self, code: str) -> Item:
        return next(item for item in self.items if item.code == code)

    def options_for(self, item: Item) -> tuple[Option, ...]:
        return self.options[item.section]

    def band_for(self, total: int | None) -> Band | None:
        if total is None:
            return None
        return next((band for band in self.bands if band.low <= total <= band.high), None)

    def answer_option(self, item_code: str, value: int | None) -> Option | None:
        """The option chosen by answering ``value`` to an item, or to the difficulty
        question (its code, "difficulty"); None for a value no option has."""
        if self.difficulty is not None and item_code == self.difficulty.code:
            options = self.difficulty_options
        else:
            options = self.options_for(self.item(item_code))
        return next((option for option in options if option.value == value), None)

    def option_text(self, item_code: str, value: int | None) -> str:
        """The published wording of that answer ("Several days"); "" for none."""
        option = self.answer_option(item_code, value)
        return option.text if option is not None else ""

    def band_label(self, code: str) -> str:
        """The label of a band by its code, as a response stores it; "" for none."""
        return next((str(band.label) for band in self.bands if band.code == code), "")

    def diagnosis_label(self, code: str) -> str:
        """The label of a provisional diagnosis by its code; "" for none."""
        return next((str(each.label) for each in self.diagnoses if each.code == code), "")
