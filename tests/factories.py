import datetime as dt

import factory
from django.utils import timezone

from clients import models as clients
from clinic import models as practice
from clinic.services import clinic_create


class ClinicFactory(factory.django.DjangoModelFactory):
    """A clinic made the way the product makes one: with its default library."""

    class Meta:
        model = practice.Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    time_zone = "Europe/Berlin"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return clinic_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = practice.User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    role = practice.User.Role.THERAPIST
    clinic = factory.SubFactory(ClinicFactory)
    password = factory.django.Password("a-long-test-password")


class TherapistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = practice.Therapist

    clinic = factory.SubFactory(ClinicFactory)
    user = factory.SubFactory(
        UserFactory, clinic=factory.SelfAttribute("..clinic"), role="therapist"
    )


class ClinicAdminFactory(UserFactory):
    role = practice.User.Role.CLINIC_ADMIN
    is_staff = True


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = clients.Client

    primary_therapist = factory.SubFactory(TherapistFactory)
    clinic = factory.SelfAttribute("primary_therapist.clinic")
    user = factory.SubFactory(UserFactory, clinic=factory.SelfAttribute("..clinic"), role="client")
    label = factory.Sequence(lambda n: f"Client {n}")
    time_zone = "Europe/Berlin"
    focus_areas = ["breakup"]
    status = "active"
    started_on = factory.LazyFunction(timezone.localdate)
    # A discharge is always dated (a database constraint): a discharged client's is their start.
    discharged_on = factory.LazyAttribute(
        lambda client: client.started_on if client.status == "discharged" else None
    )


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = practice.Session

    client = factory.SubFactory(ClientFactory)
    therapist = factory.SelfAttribute("client.primary_therapist")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = clients.Assignment

    client = factory.SubFactory(ClientFactory)
    exercise = factory.LazyAttribute(lambda o: o.client.clinic.exercises.first())
    assigned_by = factory.SelfAttribute("client.primary_therapist")
    schedule = "daily"
    starts_on = factory.LazyFunction(timezone.localdate)


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = clients.Completion

    assignment = factory.SubFactory(AssignmentFactory)
    completed_at = factory.LazyFunction(timezone.now)
    distress_before = 6
    distress_after = 4
    helpfulness = 4


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = clients.CheckIn

    client = factory.SubFactory(ClientFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    distress = 5
    charge = 2
    mind_space = 40
    self_compassion = 5
    resistance = 3


class CheckInEmotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = clients.CheckInEmotion

    check_in = factory.SubFactory(CheckInFactory)
    label = factory.LazyAttribute(lambda o: o.check_in.client.clinic.emotion_labels.first())
    intensity = 5


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = clients.Alert

    client = factory.SubFactory(ClientFactory)
    kind = clients.Alert.Kind.SAFETY_CONCERN


def measure_answers(instrument_code: str, value: int = 0, **items: int) -> dict[str, int]:
    """Every scored item of an instrument at ``value``, with ``items`` (``item_9=2``) set apart."""
    from clients.measures.instruments import instrument

    answers = {code: value for code in instrument(instrument_code).item_codes}
    answers.update({name.removeprefix("item_"): each for name, each in items.items()})
    return answers


def measure_response(
    client, instrument_code: str = "phq9", *, answers=None, completed_at=None, **extra
):
    """A response stored the way the product stores one: validated and scored by the service."""
    from clients.measures.services import response_prepare, response_record

    draft = response_prepare(
        client=client,
        instrument=instrument_code,
        answers=answers if answers is not None else measure_answers(instrument_code),
        completed_at=completed_at or timezone.now(),
        **extra,
    )
    return response_record(draft=draft)[0]


class MeasureScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.MeasureSchedule"

    client = factory.SubFactory(ClientFactory)
    instrument = "phq9"
    cadence = "every_2_weeks"
    starts_on = factory.LazyFunction(timezone.localdate)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "emdr.Target"

    client = factory.SubFactory(ClientFactory)
    label = factory.Sequence(lambda n: f"Target {n}")
    memory = "The memory in the client's words."
    worst_image = "The worst moment of it."
    negative_cognition = "I am not enough."
    positive_cognition = "I am enough as I am."
    plan_order = factory.Sequence(lambda n: n + 1)


class ProcessingRecordFactory(factory.django.DjangoModelFactory):
    """A held session's work on a target; the session is the target's client's."""

    class Meta:
        model = "emdr.ProcessingRecord"

    target = factory.SubFactory(TargetFactory)
    session = factory.SubFactory(
        SessionFactory,
        client=factory.SelfAttribute("..target.client"),
        therapist=factory.SelfAttribute("..target.client.primary_therapist"),
        status="completed",
        starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2)),
    )
    phases = factory.LazyFunction(lambda: [3, 4, 7])
    sud_start = 7
    sud_end = 4
    voc_setup = 2
    closure = "complete"


class TicesEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "emdr.TicesEntry"

    client = factory.SubFactory(ClientFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    trigger = "A song in the shop."
    disturbance = 6
