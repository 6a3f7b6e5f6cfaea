"""How a client's questions and reports name the other person, and the ends of the charge scale.

The therapist sets a word for each client ("ex", "husband", "father"); without one, the first
focus area gives a default. The client reads it after "your", staff after "their", so one word
serves both and each language can place it its own way.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Client, FocusArea


@dataclass(frozen=True)
class ScaleEnds:
    """The words at -5 and +5 of the charge scale; 0 is always neutral."""

    negative: str
    positive: str


# A default word per focus area, and the ends of the scale that fit that relationship.
DEFAULT_PERSON = {
    FocusArea.BREAKUP: gettext_lazy("ex"),
    FocusArea.BETRAYAL: gettext_lazy("partner"),
    FocusArea.ATTACHMENT: gettext_lazy("partner"),
    FocusArea.CHILDHOOD: gettext_lazy("parent"),
    FocusArea.GRIEF: gettext_lazy("loved one"),
    FocusArea.CODEPENDENCY: gettext_lazy("partner"),
}
ENDS_ROMANTIC = (gettext_lazy("anger or resentment"), gettext_lazy("love or longing"))
ENDS_FAMILY = (gettext_lazy("anger or resentment"), gettext_lazy("longing for closeness"))
ENDS_LOSS = (gettext_lazy("anger or protest"), gettext_lazy("longing"))
DEFAULT_ENDS = {
    FocusArea.BREAKUP: ENDS_ROMANTIC,
    FocusArea.BETRAYAL: ENDS_ROMANTIC,
    FocusArea.ATTACHMENT: ENDS_ROMANTIC,
    FocusArea.CHILDHOOD: ENDS_FAMILY,
    FocusArea.GRIEF: ENDS_LOSS,
    FocusArea.CODEPENDENCY: ENDS_ROMANTIC,
}


@dataclass(frozen=True)
class PersonWords:
    """Everything a page needs to name the other person for one client."""

    word: str  # "" when neither the therapist nor a focus area gives one
    ends: ScaleEnds

    @property
    def for_client(self) -> str:
        """As the client reads it: "your ex", or "the other person"."""
        if not self.word:
            return _("the other person")
        return _("your %(person)s") % {"person": self.word}

    @property
    def for_staff(self) -> str:
        """As the therapist reads it: "their ex", or "the other person"."""
        if not self.word:
            return _("the other person")
        return _("their %(person)s") % {"person": self.word}

    @property
    def charge_question(self) -> str:
        return _("What do you feel toward %(person)s right now?") % {"person": self.for_client}

    @property
    def mind_space_question(self) -> str:
        return _("How much of today did %(person)s take up in your thoughts?") % {
            "person": self.for_client
        }


def _first_known_area(client: Client) -> str | None:
    return next((code for code in client.focus_areas or [] if code in DEFAULT_PERSON), None)


def person_words(client: Client) -> PersonWords:
    """The words for this client's other person: the therapist's, else the focus area's."""
    area = _first_known_area(client)
    word = client.other_person.strip() or (str(DEFAULT_PERSON[area]) if area else "")
    negative, positive = DEFAULT_ENDS.get(area, ENDS_ROMANTIC)
    return PersonWords(word=word, ends=ScaleEnds(negative=str(negative), positive=str(positive)))


def bare_word(other_person: str) -> str:
    """The word alone: "your ex" and "ex" mean the same; pages put "your" or "their" in front."""
    word = " ".join(other_person.split())
    return word[len("your ") :] if word.lower().startswith("your ") else word


def default_word_for(focus_areas: list[str]) -> str:
    """The word a therapist is offered before choosing their own, for these focus areas."""
    area = next((code for code in focus_areas if code in DEFAULT_PERSON), None)
    return str(DEFAULT_PERSON[area]) if area else ""


def unnamed_words() -> PersonWords:
    """For figures and readings worded without a client: "the other person", with the ends
    of the scale of a breakup (those the charge scale was first written with)."""
    negative, positive = ENDS_ROMANTIC
    return PersonWords(word="", ends=ScaleEnds(negative=str(negative), positive=str(positive)))
