"""Two-step sign-in pages and "Your sessions"."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from clinic.access import no_store
from clinic.models import UserSession
from clinic.roles import is_staff_member
from clinic.security import sessions, twofactor
from clinic.security.forms import CodeForm, SetupCodeForm

# The new recovery codes wait here for the one page that shows them.
NEW_CODES = "clinic_new_recovery_codes"


def _next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_next(name, target):
    url = reverse(name)
    return f"{url}?{urlencode({'next': target})}" if target else url


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request):
    """Add the clinic to an authenticator app: QR code and secret, then a first code."""
    user = request.user
    if twofactor.is_on(user):
        return redirect("two_factor" if twofactor.is_verified(request) else "two_factor_verify")
    device = twofactor.pending_device(user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_setup(request, device, form.cleaned_data["code"])
        if codes is not None:
            request.session[NEW_CODES] = codes
            messages.success(request, "Two-step sign-in is on.")
            return redirect(_with_next("two_factor_recovery_codes", _next(request, "")))
        form.add_error(
            "code",
            "That code is not right. Check the app shows this clinic, and try the newest code.",
        )
    return render(
        request,
        "clinic/security/setup.html",
        {
            "form": form,
            "qr_svg": twofactor.qr_svg(device),
            "secret": twofactor.secret_text(device),
            "required": is_staff_member(user),
            "next": _next(request, ""),
        },
    )


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if not twofactor.is_on(request.user):
        return redirect(_with_next("two_factor_setup", _next(request, "")))
    if twofactor.is_verified(request):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, form.cleaned_data["code"]):
            left = twofactor.recovery_codes_left(request.user)
            if left <= 3:
                messages.warning(
                    request,
                    f"You have {left} recovery code{'s' if left != 1 else ''} left: make new "
                    "ones from the two-step sign-in page.",
                )
            return redirect(_next(request))
        form.add_error(
            "code",
            "That code is not right, or was already used. After a wrong code, wait a few "
            "seconds, then try the newest code.",
        )
    return render(
        request, "clinic/security/verify.html", {"form": form, "next": _next(request, "")}
    )


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def recovery_codes(request):
    """New recovery codes, shown once; a POST replaces them with ten new ones."""
    if not (twofactor.is_on(request.user) and twofactor.is_verified(request)):
        return redirect(
            "two_factor_verify" if twofactor.is_on(request.user) else "two_factor_setup"
        )
    if request.method == "POST":
        request.session[NEW_CODES] = twofactor.new_recovery_codes(request.user, request=request)
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(NEW_CODES, None)
    return render(
        request,
        "clinic/security/recovery_codes.html",
        {
            "codes": codes,
            "left": twofactor.recovery_codes_left(request.user),
            "next": _next(request, ""),
        },
    )


@login_required
@no_store
@require_http_methods(["GET", "HEAD"])
def overview(request):
    """Two-step sign-in: on or off, recovery codes left, and (for clients) turning it off."""
    user = request.user
    return render(
        request,
        "clinic/security/overview.html",
        {
            "on": twofactor.is_on(user),
            "required": is_staff_member(user),
            "left": twofactor.recovery_codes_left(user),
            "form": CodeForm(),
        },
    )


@login_required
@no_store
@require_POST
def turn_off(request):
    """A client turns two-step sign-in off, with a current code; staff cannot."""
    user = request.user
    if is_staff_member(user):
        messages.error(request, "Staff accounts must keep two-step sign-in on.")
        return redirect("two_factor")
    if not twofactor.is_on(user):
        return redirect("two_factor")
    form = CodeForm(request.POST)
    if form.is_valid() and twofactor.verify(request, form.cleaned_data["code"]):
        twofactor.turn_off(request)
        messages.success(request, "Two-step sign-in is off. You sign in with your password alone.")
        return redirect("two_factor")
    messages.error(request, "That code is not right, so two-step sign-in is still on.")
    return redirect("two_factor")


@login_required
@no_store
@require_http_methods(["GET", "HEAD"])
def session_list(request):
    """Where this account is signed in; end one session, or all but this one."""
    rows = sessions.active_sessions(request.user)
    return render(
        request,
        "clinic/security/sessions.html",
        {"rows": rows, "current": request.session.session_key},
    )


@login_required
@no_store
@require_POST
def session_end(request):
    current = request.session.session_key
    which = request.POST.get("session", "")
    if which == "others":
        ended = sessions.end_sessions(
            request.user, keep=current, reason="by the user", request=request
        )
        messages.success(
            request, f"Signed out everywhere else ({ended} session{'s' if ended != 1 else ''})."
        )
        return redirect("sessions")
    row = (
        UserSession.objects.filter(user=request.user, pk=which).first() if which.isdigit() else None
    )
    if row is None:
        messages.error(request, "That session has already ended.")
    elif row.session_key == current:
        messages.info(request, "That is this session: use Log out to end it.")
    else:
        sessions.end_sessions(
            request.user, only=row.session_key, reason="by the user", request=request
        )
        messages.success(request, "That session has ended.")
    return redirect("sessions")
