"""Every instrument the product offers, by code. A fifth is a new module listed here."""

from .definition import Instrument
from .gad7 import GAD7
from .itq import ITQ
from .pcl5 import PCL5
from .phq9 import PHQ9

INSTRUMENTS: dict[str, Instrument] = {each.code: each for each in (PHQ9, GAD7, PCL5, ITQ)}

CHOICES = [(code, each.name) for code, each in INSTRUMENTS.items()]


def instrument(code: str) -> Instrument:
    """The definition for ``code``; KeyError for an unknown one."""
    return INSTRUMENTS[code]
