"""When a target reads as resolved: pure rules on a session's numbers, no database.

The usual rule (MEASURES.md, EMDR): SUD 0, VoC 7 and a clear body scan. A SUD of 1 is
resolved when the therapist judges it fitting, and a VoC of 5-6 when the therapist accepts
it with a reason (ecological validity). The product suggests; the therapist decides.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import TargetStatusChange

Grounds = TargetStatusChange.Grounds

VOC_ACCEPTABLE_FROM = 5


@dataclass(frozen=True)
class Reading:
    """What the rule says of one session's end state of a target."""

    meets_rule: bool  # SUD 0, VoC 7, clear: suggest "resolved" without a word more
    needs_judgement: bool  # within reach: SUD 1 and/or VoC 5-6, body scan clear
    problems: dict[str, str] = field(default_factory=dict)  # field -> why not resolved


def reading(
    *, sud_end: int | None, voc_installed: int | None, body_scan_clear: bool | None
) -> Reading:
    """Read a session's end numbers against the resolution rule."""
    problems: dict[str, str] = {}
    if sud_end is None:
        problems["sud_end"] = _("No SUD at the end of the session was recorded.")
    elif sud_end > 1:
        problems["sud_end"] = _("SUD %(sud)d at the end: resolved needs 0 (or 1).") % {
            "sud": sud_end
        }
    if voc_installed is None:
        problems["voc_installed"] = _("No VoC after installation was recorded.")
    elif voc_installed < VOC_ACCEPTABLE_FROM:
        problems["voc_installed"] = _("VoC %(voc)d: resolved needs 7 (or 5-6 accepted).") % {
            "voc": voc_installed
        }
    if body_scan_clear is not True:
        problems["body_scan_clear"] = _("The body scan was not recorded as clear.")
    if problems:
        return Reading(meets_rule=False, needs_judgement=False, problems=problems)
    strict = sud_end == 0 and voc_installed == 7
    return Reading(meets_rule=strict, needs_judgement=not strict)


def grounds_for(
    *,
    sud_end: int | None,
    voc_installed: int | None,
    body_scan_clear: bool | None,
    sud_one_fitting: bool = False,
    reason: str = "",
) -> tuple[str, dict[str, str]]:
    """The grounds on which a therapist may mark the target resolved, or the fields that
    stand in the way (field -> message). Grounds are the exception used, if any."""
    read = reading(sud_end=sud_end, voc_installed=voc_installed, body_scan_clear=body_scan_clear)
    if read.problems:
        return "", read.problems
    if read.meets_rule:
        return Grounds.RULE, {}
    problems: dict[str, str] = {}
    if sud_end == 1 and not sud_one_fitting:
        problems["sud_one_fitting"] = _(
            "SUD 1 at the end: confirm that 1 is fitting for this memory."
        )
    if voc_installed < 7 and not reason.strip():
        problems["reason"] = _(
            "VoC %(voc)d: say why it is accepted (for example, 7 would not be true to life)."
        ) % {"voc": voc_installed}
    if problems:
        return "", problems
    return (Grounds.VOC_ACCEPTED if voc_installed < 7 else Grounds.SUD_ONE), {}
