"""A client's rights over their data: their own copy, and closing their account.

The copy reads every app (``clinic.pages.export``), so these pages live in the top layer.
Front desk produces a copy for a client without an online account once the client has
typed their date of birth (``intake.identity``, the rule the health form's desk flow
uses). Owners confirm closures here; each app erases its part (``clinic.pages.closure``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic import clock, closure
from clinic.access import (
    get_client_for_staff,
    get_own_profile,
    is_owner_account,
    no_store,
    role_required,
)
from clinic.forms import CloseAccountForm
from clinic.models import ClientProfile, Role
from clinic.pages import export
from clinic.pages.closure import close_account
from intake import identity
from intake.forms import BirthDateForm

DESK_EXPORT_DETAIL = "copy of all their data (ZIP), made at the desk after the date of birth"
DESK_REFUSED_DETAIL = "date of birth did not match: copy of their data not made"


def _zip_response(client, *, by, detail=export.EXPORT_DETAIL) -> HttpResponse:
    name, content = export.build_zip(client, by=by, detail=detail)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def my_data(request):
    """The client's own copy: the page says what it holds; the button downloads it."""
    client = get_own_profile(request)
    if request.method == "POST":
        return _zip_response(client, by=request.user)
    return render(request, "clinic/my_data.html", {"client": client})


def _desk_client(request, public_id) -> ClientProfile:
    client = get_client_for_staff(request, public_id)
    if client.is_closed:
        raise PermissionDenied
    return client


@role_required(Role.FRONT_DESK)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def client_export(request, public_id):
    """Front desk makes the copy for a client at the desk with no online account.

    The client types their date of birth on the desk's device first; wrong dates are
    counted (``intake.identity``) and, like the copy itself, logged.
    """
    client = _desk_client(request, public_id)
    reason = ""
    if client.user_id:
        reason = "account"
    elif client.date_of_birth is None:
        reason = "no_birth_date"
    elif identity.tries_left(client) == 0:
        reason = "tries"
    form = BirthDateForm(
        request.POST if request.method == "POST" else None,
        client=client,
        submit_label="Make the copy",
    )
    if request.method == "POST" and not reason:
        ok, error = identity.check_birth_date(
            form, user=request.user, client=client, refused_detail=DESK_REFUSED_DETAIL
        )
        if ok:
            return _zip_response(client, by=request.user, detail=DESK_EXPORT_DETAIL)
        messages.error(request, error)
        if identity.tries_left(client) == 0:
            reason = "tries"
    return render(
        request,
        "clinic/client_export.html",
        {
            "client": client,
            "form": form,
            "reason": reason,
            "tries": identity.BIRTH_DATE_TRIES,
            "hours": int(identity.REFUSALS_WINDOW.total_seconds() // 3600),
        },
    )


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def close_account_request(request):
    """The client asks to close their account, after a confirmation step."""
    client = get_own_profile(request)
    form = CloseAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and client.closure_requested_at is None and form.is_valid():
        closure.request_closure(client, by=request.user)
        messages.success(
            request,
            "We have your request. An owner of the clinic will confirm it; we then e-mail you "
            "what we must keep, and why, before your account is deleted.",
        )
        return redirect("close_account")
    records, log = closure.keep_until(clock.today())
    return render(
        request,
        "clinic/close_account.html",
        {"client": client, "form": form, "records_until": records, "log_until": log},
    )


def _day(day) -> str:
    return f"{day.day} {day:%B %Y}"


def _owner_only(request):
    if not is_owner_account(request.user):
        raise PermissionDenied


@login_required
@no_store
@require_safe
def closure_requests(request):
    """Owners: the closures clients asked for, oldest first."""
    _owner_only(request)
    pending = ClientProfile.objects.closure_requested().select_related("user")
    return render(request, "clinic/closure_requests.html", {"pending": pending})


@login_required
@no_store
@require_POST
def closure_confirm(request, public_id):
    """An owner confirms one closure: the client is told, then their data is erased."""
    _owner_only(request)
    client = get_object_or_404(ClientProfile, public_id=public_id)
    name = client.full_name
    try:
        plan = close_account(client, by=request.user)
    except closure.ClosureError as error:
        messages.error(request, str(error))
    except (OSError, DatabaseError):
        # The notice could not be sent (or the database refused): nothing was erased.
        messages.error(
            request,
            f"The closure of {name}'s account did not go through and nothing was erased. "
            "Please try again in a moment.",
        )
    else:
        messages.success(
            request,
            f"{name}'s account is closed. Appointments are kept until "
            f"{_day(plan.records_until)} and the access log until {_day(plan.log_until)}.",
        )
    return redirect("closure_requests")
