"""What the crisis box shows a client: numbers to call or text, the clinic's own number,
an honest sentence on when their therapist will read a safety answer, and their plan.

The client's page and the check-in API both build it here, so the two say the same.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from clients.models import Client
from clinic.models import Clinic, CrisisLine
from clinic.validators import dialable

from .models import SafetyPlan

# Nobody watches the page around the clock; the clinic's own sentence says when someone
# does. Without one, this says no more than is true anywhere.
DEFAULT_WHEN_READ = gettext_lazy(
    "Your therapist will read this when they are next working; this page is not watched "
    "around the clock."
)


@dataclass(frozen=True)
class Line:
    name: str
    call: str
    text: str
    hours: str

    @property
    def call_href(self) -> str:
        return f"tel:{dialable(self.call)}" if self.call else ""

    @property
    def text_href(self) -> str:
        return f"sms:{dialable(self.text)}" if self.text else ""


@dataclass(frozen=True)
class PlanSection:
    heading: str
    text: str


@dataclass(frozen=True)
class CrisisBox:
    lines: list[Line]
    clinic_name: str
    clinic_phone: str
    clinic_phone_hours: str
    when_read: str
    extra: str  # the clinic's free text from before there were crisis lines
    plan: list[PlanSection]

    @property
    def emergency(self) -> Line | None:
        """The line named under "if you are in danger now": the first one that takes calls."""
        return next((line for line in self.lines if line.call), None)

    @property
    def clinic_phone_href(self) -> str:
        return f"tel:{dialable(self.clinic_phone)}" if self.clinic_phone else ""


def when_read(clinic: Clinic) -> str:
    """The clinic's sentence on when a safety answer is read, or the default one."""
    return clinic.safety_response.strip() or str(DEFAULT_WHEN_READ)


def plan_sections(plan: SafetyPlan | None) -> list[PlanSection]:
    """The plan's written sections under the headings the client reads."""
    if plan is None:
        return []
    return [PlanSection(heading=str(heading), text=text) for _n, heading, text in plan.sections()]


def _plan_of(client: Client) -> SafetyPlan | None:
    try:
        return client.safety_plan  # no query when the caller selected it with the client
    except SafetyPlan.DoesNotExist:
        return None


def crisis_box_for(*, client: Client, with_plan: bool = True) -> CrisisBox:
    """The crisis box of this client: their clinic's lines and (for the client) their plan."""
    clinic = client.clinic
    lines = [
        Line(name=line.name, call=line.call, text=line.text, hours=line.hours)
        for line in CrisisLine.objects.filter(clinic=clinic)
    ]
    return CrisisBox(
        lines=lines,
        clinic_name=clinic.name,
        clinic_phone=clinic.phone,
        clinic_phone_hours=clinic.phone_hours,
        when_read=when_read(clinic),
        extra=clinic.crisis_resources.strip(),
        plan=plan_sections(_plan_of(client)) if with_plan else [],
    )
