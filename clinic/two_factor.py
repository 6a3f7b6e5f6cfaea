"""Second-factor sign-in for staff: who owes one, checking a code, and setting one up.

An authenticator app (TOTP, django-otp's ``otp_totp``) gives six-digit codes; recovery codes
(``otp_static``) stand in for a lost phone, each usable once. Staff owe a code when their
clinic asks for it (operators: OPERATOR_TWO_FACTOR_REQUIRED) or when they have set up an
authenticator of their own accord. Clients never do.
"""

import base64
import enum
from datetime import datetime

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Exists
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Clinic, User

RECOVERY_CODES = 10


class Step(enum.Enum):
    """What a signed-in person still has to do before they reach the product."""

    NONE = "none"  # nothing: a client, or staff who need no second factor
    VERIFY = "verify"  # enter a code from their authenticator, or a recovery code
    SET_UP = "set_up"  # their clinic asks for a second factor and they have none yet


class CodeWait(Exception):
    """The device refuses codes for a moment after wrong ones (django-otp's back-off)."""

    def __init__(self, until: datetime):
        self.seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
        super().__init__(self.seconds)


def second_factor_demanded(user: User) -> bool:
    """Whether this user's clinic (or, for an operator, the deployment) asks for one."""
    if user.role not in User.STAFF_ROLES:
        return False
    if user.role == User.Role.OPERATOR and settings.OPERATOR_TWO_FACTOR_REQUIRED:
        return True
    return user.clinic_id is not None and user.clinic.two_factor_required


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_step(user: User) -> Step:
    """What ``user``, past their password, must do before they are signed in.

    Asked on every request of staff who have not given a code, so in one query: the clinic
    row, with whether the user has an authenticator. The clinic is kept on the user, where
    the rest of the request (the clinic's time zone, the pages) finds it at no cost."""
    if user.role not in User.STAFF_ROLES:
        return Step.NONE
    authenticator = TOTPDevice.objects.filter(user=user.pk, confirmed=True)
    if user.clinic_id is None:
        has = authenticator.exists()
    else:
        user.clinic = Clinic.objects.annotate(has=Exists(authenticator)).get(pk=user.clinic_id)
        has = user.clinic.has
    if has:
        return Step.VERIFY
    return Step.SET_UP if second_factor_demanded(user) else Step.NONE


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def code_check(*, user: User, code: str) -> Device | None:
    """The device that accepts ``code``: six digits from the authenticator, or an unused
    recovery code (which is spent). None for a wrong code; CodeWait while the device waits
    after wrong ones. The devices are locked, so two requests cannot spend one code twice."""
    code = _normalised(code)
    if len(code) == 6 and code.isdigit():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    with transaction.atomic():
        for device in devices.select_for_update():
            allowed, why = device.verify_is_allowed()
            if not allowed:
                raise CodeWait(why["locked_until"])
            if device.verify_token(code):
                return device
    return None


def code_failed(request: HttpRequest, user: User) -> None:
    """Count a wrong code as a failed sign-in: django-axes listens for this signal, counts
    per account and per address, and marks the request when the limit is reached."""
    user_login_failed.send(sender=__name__, credentials={"email": user.email}, request=request)


def authenticator_start(*, user: User) -> TOTPDevice:
    """The authenticator being set up: the one started before (so a reload shows the same
    secret as the one already scanned), or a new one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def authenticator_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator with a code from it; it replaces any earlier one, and
    fresh recovery codes replace the old. Returns the new recovery codes, or None for a
    wrong code. CodeWait as for ``code_check``."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    allowed, why = device.verify_is_allowed()
    if not allowed:
        raise CodeWait(why["locked_until"])
    if not device.verify_token(_normalised(code)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_replace(user=device.user)


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """New recovery codes for ``user``; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_code_shown(code: str) -> str:
    """A recovery code as people read it: two groups of four."""
    return f"{code[:4]}-{code[4:]}"


def secret_shown(device: TOTPDevice) -> str:
    """The secret as an app's "enter a setup key" expects it: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code: an SVG image made here, fetched from
    nowhere."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
