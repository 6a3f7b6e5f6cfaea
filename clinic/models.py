"""The practice itself: clinics, the people who log in, therapists and sessions."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_phone, validate_time_zone


def two_factor_default() -> bool:
    """New clinics ask staff for a second factor unless the deployment says otherwise
    (on by default in production, off in development)."""
    return settings.TWO_FACTOR_REQUIRED_DEFAULT


class Clinic(models.Model):
    """A practice: the tenant boundary. Weeks are counted in its time zone."""

    clinic_lookup = "pk"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    crisis_resources = models.TextField(
        blank=True,
        help_text="Shown to a client at once when they answer the safety question with yes.",
    )
    phone = models.CharField(
        _("clinic phone"),
        max_length=32,
        blank=True,
        validators=[validate_phone],
        help_text=_("The clinic's own number; clients can tap it to call."),
    )
    phone_hours = models.CharField(
        _("phone hours"),
        max_length=120,
        blank=True,
        help_text=_("When the phone is answered, e.g. 'weekdays 9:00 to 17:00'."),
    )
    safety_response = models.TextField(
        _("when a safety answer is read"),
        blank=True,
        help_text=_(
            "An honest sentence for clients on when their therapist will see a safety answer, "
            "e.g. 'Your therapist reads alerts on weekdays between 9:00 and 18:00.'"
        ),
    )
    escalate_after_minutes = models.PositiveIntegerField(
        _("escalate after (minutes)"),
        default=120,
        validators=[MinValueValidator(10), MaxValueValidator(7 * 24 * 60)],
        help_text=_(
            "A safety alert still unresolved after this long (an attempt that did not reach "
            "the client does not resolve it) is e-mailed to the covering therapists and the "
            "clinic admins."
        ),
    )
    two_factor_required = models.BooleanField(
        _("staff sign in with a second factor"),
        default=two_factor_default,
        help_text=_(
            "Therapists and clinic admins confirm each sign-in with a code from an "
            "authenticator app, on the pages and for API tokens."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalate_after_minutes__gte=10, escalate_after_minutes__lte=10080),
                name="clinic_escalate_after_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CrisisLine(models.Model):
    """A number a client in crisis can call or text, shown as a link in the crisis box."""

    clinic_lookup = "clinic"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="crisis_lines")
    name = models.CharField(
        _("name"), max_length=120, help_text=_("e.g. 'Suicide & Crisis Lifeline'")
    )
    call = models.CharField(
        _("number to call"), max_length=32, blank=True, validators=[validate_phone]
    )
    text = models.CharField(
        _("number to text"), max_length=32, blank=True, validators=[validate_phone]
    )
    hours = models.CharField(_("hours"), max_length=80, blank=True, help_text=_("e.g. '24/7'"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("crisis line")
        constraints = [
            models.CheckConstraint(
                condition=~Q(call="") | ~Q(text=""),
                name="crisis_line_call_or_text",
                violation_error_message=_("Give a number to call, a number to text, or both."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=User.Role.OPERATOR)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who logs in, by e-mail. ``role`` says which part of the product they use."""

    clinic_lookup = "clinic"

    class Role(models.TextChoices):
        OPERATOR = "operator", "Operator"
        CLINIC_ADMIN = "clinic_admin", "Clinic admin"
        THERAPIST = "therapist", "Therapist"
        CLIENT = "client", "Client"

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=150, blank=True)
    # Who works at the practice, as opposed to the people in treatment.
    STAFF_ROLES = frozenset({"operator", "clinic_admin", "therapist"})

    role = models.CharField(max_length=20, choices=Role.choices)
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    is_staff = models.BooleanField(
        default=False, help_text="Can log in to the admin site (operators and clinic admins)."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["operator", "clinic_admin", "therapist", "client"]),
                name="user_role_valid",
            ),
            # Only operators stand outside every clinic.
            models.CheckConstraint(
                condition=Q(role="operator") | Q(clinic__isnull=False),
                name="user_clinic_required_unless_operator",
            ),
            # Clients use the API and their own pages, never the admin site.
            models.CheckConstraint(
                condition=~Q(role="client") | Q(is_staff=False, is_superuser=False),
                name="user_client_not_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email

    @property
    def is_clinic_admin(self) -> bool:
        return self.is_active and self.is_staff and self.role == self.Role.CLINIC_ADMIN


class Therapist(models.Model):
    """A staff member of one clinic who treats clients."""

    clinic_lookup = "clinic"

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="therapist")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="therapists")
    credentials = models.CharField(max_length=100, blank=True, help_text="e.g. LMFT, EMDR")
    is_active = models.BooleanField(default=True)
    covers_alerts = models.BooleanField(
        _("covers colleagues' alerts"),
        default=False,
        help_text=_(
            "Receives safety alerts of colleagues' clients that wait too long for follow-up, "
            "and may open and follow up those alerts only."
        ),
    )

    class Meta:
        ordering = ["user__display_name"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def display_name(self) -> str:
        return self.user.get_full_name()


class Session(models.Model):
    """A therapy appointment. Two consecutive sessions bound a between-session window."""

    clinic_lookup = "client__clinic"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        COMPLETED = "completed", _("Held")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("Did not attend")

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="sessions")
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=50, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.IN_PERSON)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    # When it was booked or last moved: a reminder "24 hours before" for a session booked
    # later than that comes when it is booked (clients/reminders).
    booked_at = models.DateTimeField(_("booked or moved at"), default=timezone.now, editable=False)
    video_link = models.URLField(
        _("video link"),
        max_length=500,
        blank=True,
        help_text=_("Where the client joins a virtual session."),
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "starts_at"], name="session_unique_start"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="session_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=["in_person", "virtual"]), name="session_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "completed", "cancelled", "no_show"]),
                name="session_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["therapist", "starts_at"])]

    def __str__(self) -> str:
        # In the zone of the page that shows it (the clinic's, in its admin).
        return f"Session {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_starts_at_loaded", None)
        if loaded is not None and self.starts_at != loaded:
            self.booked_at = timezone.now()  # moved: booked anew at its new time
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "booked_at"}
        super().save(*args, **kwargs)
        self._starts_at_loaded = self.starts_at

    @classmethod
    def from_db(cls, db, field_names, values):
        session = super().from_db(db, field_names, values)
        session._starts_at_loaded = getattr(session, "starts_at", None)
        return session

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class IdempotencyKey(models.Model):
    """A client app's promise that a request is the same one as before.

    Stored in the same transaction as what the request created, so a retry either
    finds the finished result or waits for it; it never stores twice. The
    response is rebuilt from ``resource_id``: no second copy of health data.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    resource_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"Idempotency key of user {self.user_id}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """Who read or changed which records, when and from where. Append-only.

    Holds ids and kinds only, never a value from a record: no names, scores or text.
    Actor, clinic and client are kept as plain ids (no database constraint), so the
    trail outlives an erased client or a departed staff member.
    """

    clinic_lookup = "clinic"

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        EXPORT = "export", "Exported"
        ERASE = "erase", "Erased"
        LOGIN = "login", "Signed in"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor_role = models.CharField(max_length=20, help_text="'system' for background work.")
    clinic = models.ForeignKey(
        Clinic, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_ids = models.JSONField(default=list)
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text="The one client the event concerns, when there is one.",
    )
    view = models.CharField(max_length=80, blank=True, help_text="The page or API route.")
    ip = models.GenericIPAddressField(null=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "at"]),
            models.Index(fields=["client", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")
