"""Two-step sign-in (django-otp): an authenticator app's code (TOTP) after the password,
and ten single-use recovery codes for a lost phone.

Required for staff (``clinic.roles.is_staff_member``); a client may turn it on. A lost
device is reset by an owner: the devices go, every session of the account ends, and the
next sign-in sets up a new one.
"""

from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import AccountEvent, SignInEvent
from clinic.roles import is_staff_member
from clinic.security import events, sessions

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def app_device(user, *, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def is_on(user) -> bool:
    """Has ``user`` set up an authenticator app?"""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# Whether the signed-in account has turned two-step sign-in on, noted in its session at
# sign-in (turning it on or off updates it, and ends the account's other sessions), so a
# client's every request need not ask the database.
SESSION_FLAG = "clinic_two_factor_on"


def required_for_session(request) -> bool:
    """Must the signed-in user enter a code after the password: staff always, others once
    they have set it up."""
    if is_staff_member(request.user):
        return True
    on = request.session.get(SESSION_FLAG)
    if on is None:
        on = request.session[SESSION_FLAG] = is_on(request.user)
    return bool(on)


def note_in_session(request, user) -> None:
    request.session[SESSION_FLAG] = is_on(user)


def is_verified(request) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def pending_device(user):
    """The app device being set up (made once, so reloading the page keeps its secret)."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device) -> str:
    """The secret in the base32 form authenticator apps take, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device) -> str:
    """The set-up QR code as inline SVG markup, drawn here (no image request, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code for your authenticator app", dark="#000", light="#fff"
    )


def confirm_setup(request, device, token) -> list[str] | None:
    """Check the first code; if right, switch the app on, mark this session verified and
    return the new recovery codes (shown once)."""
    user = request.user
    with transaction.atomic():
        if not device.verify_token(token):
            events.record(SignInEvent.Kind.OTP_FAILED, request=request, user=user, detail="set-up")
            return None
        # One app per account: any other (old or half set-up) device goes.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
    django_otp.login(request, device)
    request.session[SESSION_FLAG] = True
    events.record(SignInEvent.Kind.OTP_SET_UP, request=request, user=user)
    # A session signed in with the password alone elsewhere must not outlive this.
    sessions.end_sessions(
        user, keep=request.session.session_key, reason="two-step sign-in turned on", request=request
    )
    return codes


def new_recovery_codes(user, *, request=None) -> list[str]:
    """Replace the user's recovery codes with ten new single-use ones; return them."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if request is not None:
        events.record(SignInEvent.Kind.RECOVERY_CODES, request=request, user=user)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def verify(request, token) -> bool:
    """Check a code from the app, or a recovery code; if right, mark the session verified."""
    user = request.user
    token = "".join(str(token).split()).lower()
    app = app_device(user)
    device = None
    kind = SignInEvent.Kind.OTP_VERIFIED
    with transaction.atomic():
        if app is not None and token.isdigit() and app.verify_token(token):
            device = app
        else:
            recovery = StaticDevice.objects.filter(user=user).first()
            if recovery is not None and recovery.verify_token(token):
                device, kind = recovery, SignInEvent.Kind.RECOVERY_USED
    if device is None:
        events.record(SignInEvent.Kind.OTP_FAILED, request=request, user=user)
        return False
    django_otp.login(request, device)
    detail = f"{recovery_codes_left(user)} left" if kind == SignInEvent.Kind.RECOVERY_USED else ""
    events.record(kind, request=request, user=user, detail=detail)
    return True


def turn_off(request) -> None:
    """A client turns two-step sign-in off (staff cannot: it is required for them)."""
    user = request.user
    _delete_devices(user)
    request.session[SESSION_FLAG] = False
    events.record(SignInEvent.Kind.OTP_TURNED_OFF, request=request, user=user)
    sessions.end_sessions(
        user,
        keep=request.session.session_key,
        reason="two-step sign-in turned off",
        request=request,
    )


def _delete_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def reset(user, *, by, request=None) -> int:
    """An owner resets a lost device: devices gone, every session of ``user`` ended.
    Returns how many sessions ended."""
    with transaction.atomic():
        _delete_devices(user)
        AccountEvent.record(actor=by, target=user, action=AccountEvent.Action.TWO_FACTOR_RESET)
        events.record(
            SignInEvent.Kind.OTP_RESET, request=request, user=user, detail=f"by {by.email}"
        )
        keep = request.session.session_key if request is not None and by == user else None
        return sessions.end_sessions(user, keep=keep, reason="two-step sign-in reset")
