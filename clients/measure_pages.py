"""The client's measures on their own page: what is due, and the form that answers one.

The form is a plain HTML form posted back to its own address, so it works without
JavaScript. Scoring and the self-harm alert stay in ``clients.measures.services``;
the client is thanked and never shown a score here.
"""

import uuid
from dataclasses import dataclass, replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import User

from .measures import selectors, services
from .measures.instruments import INSTRUMENTS
from .measures.instruments.definition import Instrument, Item, Option
from .measures.models import MeasureResponse, MeasureSchedule
from .measures.scoring import answer_errors
from .models import Client
from .safety.crisis import crisis_box_for
from .selectors import clients_for

# Set when a response's self-harm item was above 0; read once by the next /me/.
SAFETY_ANSWERED = "measures:safety-answered"
ITEM_FIELD = "item-{code}"
DIFFICULTY_FIELD = "difficulty"


@dataclass(frozen=True)
class MeasuresCard:
    due: list[selectors.DueMeasure]
    safety_answered: bool


def home_card(request: HttpRequest, client: Client) -> MeasuresCard:
    """What /me/ shows of measures: those due now, and whether a self-harm answer was
    just sent (shown once). One query without schedules, four with."""
    safety_answered = bool(request.session.pop(SAFETY_ANSWERED, False))
    if client.status == Client.Status.DISCHARGED:
        return MeasuresCard(due=[], safety_answered=safety_answered)
    return MeasuresCard(due=selectors.due_for(client), safety_answered=safety_answered)


# --- the form ------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One fieldset of the form: the item, its options, the answer kept and its error."""

    field: str
    number: str
    text: str
    options: tuple[Option, ...]
    chosen: object
    error: str
    missing: bool

    @property
    def first_id(self) -> str:
        """Where a link to the question lands: its first option, as a keyboard expects."""
        return f"{self.field}-{self.options[0].value}"


@dataclass(frozen=True)
class Section:
    key: str
    stem: str
    questions: list[Question]
    optional: bool = False


@dataclass(frozen=True)
class FormPage:
    instrument: Instrument
    sections: list[Section]  # the instrument's stems, then the difficulty question if any
    client_uuid: str
    form_error: str

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    @property
    def missing(self) -> list[Question]:
        return [question for question in self.questions if question.missing]

    @property
    def wrong(self) -> list[Question]:
        return [question for question in self.questions if question.error and not question.missing]


def _question(field: str, item: Item, options, chosen, errors: dict) -> Question:
    missing = item.code in errors and chosen is None
    if missing:
        error = _("Please choose an answer to this question.")
    else:
        error = " ".join(errors.get(item.code, []))
    return Question(
        field=field,
        number=item.code,
        text=item.text,
        options=tuple(options),
        chosen=chosen,
        error=error,
        missing=missing,
    )


def form_page(
    instrument: Instrument,
    *,
    answers: dict | None = None,
    difficulty: object = None,
    errors: dict | None = None,
    client_uuid: uuid.UUID | None = None,
    form_error: str = "",
) -> FormPage:
    """The form of one instrument, with the answers given so far and their errors."""
    answers = answers or {}
    errors = errors or {}
    sections = []
    for key, stem in instrument.sections.items():
        questions = [
            _question(
                ITEM_FIELD.format(code=item.code),
                item,
                instrument.options_for(item),
                answers.get(item.code),
                errors,
            )
            for item in instrument.items
            if item.section == key
        ]
        if questions:
            sections.append(Section(key=key, stem=stem, questions=questions))
    if instrument.difficulty is not None:
        # Asked after the items, never required: it is not part of the total.
        item = instrument.difficulty
        question = _question(
            DIFFICULTY_FIELD,
            item,
            instrument.difficulty_options,
            difficulty,
            {item.code: errors["difficulty"]} if "difficulty" in errors else {},
        )
        sections.append(
            Section(
                key="difficulty", stem="", questions=[replace(question, number="")], optional=True
            )
        )
    return FormPage(
        instrument=instrument,
        sections=sections,
        client_uuid=str(client_uuid or uuid.uuid4()),
        form_error=form_error,
    )


def _number(raw: str | None) -> object:
    """A posted value as the int it names; anything else is passed on for the scorer to refuse."""
    if raw is None or raw == "":
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else raw


def answers_from(post, instrument: Instrument) -> tuple[dict, object]:
    """The item answers and the difficulty answer of a posted form (unanswered: left out)."""
    answers = {}
    for item in instrument.items:
        value = _number(post.get(ITEM_FIELD.format(code=item.code)))
        if value is not None:
            answers[item.code] = value
    difficulty = _number(post.get(DIFFICULTY_FIELD)) if instrument.difficulty else None
    return answers, difficulty


def _uuid(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


# --- views ---------------------------------------------------------------------


def _own_client(user: User) -> Client:
    """The client record of a client's login; 404 for anyone else."""
    if user.role != User.Role.CLIENT:
        raise Http404
    return get_object_or_404(clients_for(user=user))


def _is_due(client: Client, schedule: MeasureSchedule) -> bool:
    return any(each.schedule_id == schedule.pk for each in selectors.due_for(client))


def _render(request: HttpRequest, client: Client, page: FormPage, status: int = 200):
    return render(
        request,
        "clients/measure_form.html",
        {"client": client, "form": page},
        status=status,
    )


def _thanked(request: HttpRequest, response: MeasureResponse) -> HttpResponse:
    messages.success(
        request, _("Thank you. Your answers are saved, and your therapist will see them.")
    )
    if services.self_harm_answers(INSTRUMENTS[response.instrument], response.answers):
        request.session[SAFETY_ANSWERED] = True
    return redirect("client-home")


def _ended(request: HttpRequest, client: Client, *, sent: bool = False) -> HttpResponse:
    """No form to answer: the page says why (treatment ended, or nothing waiting). When
    answers were sent and not stored, it says so and gives the crisis lines: they may
    have held a self-harm answer that no therapist will now read."""
    context = {"client": client, "form": None, "sent": sent}
    if sent:
        context["crisis"] = crisis_box_for(client=client, with_plan=False)
    return render(request, "clients/measure_form.html", context, status=404)


@login_required
def measure_form(request: HttpRequest, schedule_id: int) -> HttpResponse:
    """One scheduled measure for the client to answer. Another client's schedule is a 404;
    opening one that is not due now (answered, stopped, discharged) is a friendly 404 page.

    A form sent after it stopped being due (its session began, or its period rolled over,
    while the client was answering) is stored all the same, and raises its alert like any
    other: the answers may hold a self-harm answer, and a refusal would lose it. Only a
    client whose treatment has ended is refused (the service's PermissionDenied), and a
    measure the clinic no longer uses; nothing is stored then."""
    client = _own_client(request.user)
    schedule = get_object_or_404(
        selectors.schedules_for(user=request.user), pk=schedule_id, client=client
    )
    instrument = INSTRUMENTS[schedule.instrument]
    if request.method != "POST":
        if not _is_due(client, schedule):
            return _ended(request, client)
        return _render(request, client, form_page(instrument))

    client_uuid = _uuid(request.POST.get("client_uuid"))
    answers, difficulty = answers_from(request.POST, instrument)
    if client_uuid is not None:
        stored = client.measure_responses.filter(client_uuid=client_uuid).first()
        if stored is not None and services.same_answers(
            stored, instrument.code, answers, difficulty
        ):
            # A second tap, or the browser sending the form again: the first one was stored.
            return _thanked(request, stored)
        if stored is not None:
            # Back, a changed answer, sent again: these are new answers, never dropped
            # (the change may be to the self-harm question). Their own uuid comes from the
            # form's and the answers, so the same changed form sent twice is stored once.
            client_uuid = uuid.uuid5(client_uuid, repr(sorted(answers.items())) + repr(difficulty))
    if client.status == Client.Status.DISCHARGED:
        # Refused below by the service too; said here so that a partial form is not
        # offered for mending when it could never be stored.
        return _ended(request, client, sent=True)
    errors = answer_errors(instrument, answers, difficulty)
    form_error = ""
    if client_uuid is None:
        form_error = _("This form was not complete (client_uuid). Please check and send it again.")
    if not errors and not form_error:
        try:
            draft = services.response_prepare(
                client=client,
                instrument=instrument.code,
                answers=answers,
                difficulty=difficulty,
                completed_at=timezone.now(),
                client_uuid=client_uuid,
            )
        except PermissionDenied:
            return _ended(request, client, sent=True)
        except ValidationError as error:
            if "instrument" in getattr(error, "error_dict", {}):
                # The clinic stopped using it meanwhile.
                return _ended(request, client, sent=True)
            form_error = " ".join(error.messages)
        else:
            response, _created = services.response_record(draft=draft)
            return _thanked(request, response)
    page = form_page(
        instrument,
        answers=answers,
        difficulty=difficulty,
        errors=errors,
        client_uuid=client_uuid,
        form_error=form_error,
    )
    return _render(request, client, page, status=400)
