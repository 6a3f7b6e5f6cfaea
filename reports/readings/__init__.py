"""One plain-language reading per chart, in the product's gentle voice.

Healing is not linear, so the words describe direction and context, never failure.
Which way each signal went is decided in ``reports.directions``; this package only words
it, and every sentence goes through gettext so that it can be translated whole. The
readings about the other person name them, and the ends of the charge scale, in the words
set for the client (``person``).
"""

from .exercises import exercise_means, exercises
from .person import charge, mind_space
from .signals import compassion, distress, flow

__all__ = [
    "charge",
    "compassion",
    "distress",
    "exercise_means",
    "exercises",
    "flow",
    "mind_space",
]
