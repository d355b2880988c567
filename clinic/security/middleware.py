"""Staff sessions' time limits, the session registry, and the two-step gate."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from clinic.models import SignInEvent
from clinic.roles import is_staff_member
from clinic.security import events, sessions, twofactor

# What an account that still owes its code may open: the code and set-up pages, and the
# ways out.
OPEN_BEFORE_CODE = {
    "two_factor_verify",
    "two_factor_setup",
    "two_factor_recovery_codes",
    "logout",
    "admin:logout",
}


class SessionPolicyMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_MINUTES without a request and
    STAFF_SESSION_MAX_HOURS after signing in; every session is kept in the registry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            why = sessions.expired(request, user, now) if is_staff_member(user) else None
            if why is not None:
                return self.sign_out(request, user, why)
            sessions.touch(request, user, now)
        key = request.session.session_key
        response = self.get_response(request)
        # A session moved to a new key (a password changed in it) stays in the registry.
        new_key = request.session.session_key
        if new_key and new_key != key and request.user.is_authenticated:
            sessions.register(request, request.user)
        return response

    @staticmethod
    def sign_out(request, user, why):
        events.record(SignInEvent.Kind.TIMED_OUT, request=request, user=user, detail=why)
        sessions.forget(request.session.session_key)
        logout(request)
        if why == "idle":
            text = (
                f"You were signed out after {sessions.idle_limit().seconds // 60} minutes "
                "without activity. Please sign in again."
            )
        else:
            text = (
                f"Staff sign-ins last {int(sessions.max_age().total_seconds() // 3600)} hours "
                "at most. Please sign in again."
            )
        messages.info(request, text)
        login = "admin:login" if request.path.startswith(reverse("admin:index")) else "login"
        return redirect(f"{reverse(login)}?{urlencode({'next': request.get_full_path()})}")


class TwoFactorMiddleware:
    """Until this session has entered a code, an account that needs one (staff, and
    clients who turned it on) reaches only the code or set-up page and log-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not twofactor.is_verified(request)
            and not self.open_before_code(request)
            and twofactor.required_for_session(request)
        ):
            target = "two_factor_verify" if twofactor.is_on(user) else "two_factor_setup"
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    @staticmethod
    def open_before_code(request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in OPEN_BEFORE_CODE
