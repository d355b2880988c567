"""The health questionnaire: starting, the three steps, the desk's flow, previous answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic import clock
from clinic.access import get_own_profile, no_store, role_required
from clinic.models import ClientProfile, Role
from clinic.security.ratelimit import rate_limited
from intake import identity
from intake.access import is_owner
from intake.audit import log_access
from intake.eligibility import public_status
from intake.forms import CONSENT_TEXT, BirthDateForm, ConsentForm, HealthForm, PainForm
from intake.models import Condition, Intake
from intake.tasks import enqueue_urgent_email
from intake.views.common import deny


def _get_draft_for_user(request, public_id) -> Intake:
    """The intake whose questionnaire ``request.user`` may fill in.

    The client, or front desk for an intake started at the desk for a client who is
    present. Health answers are never shown to front desk once the form is sent.
    """
    intake = get_object_or_404(Intake.objects.select_related("client__user"), public_id=public_id)
    user = request.user
    if is_owner(user, intake.client):
        return intake
    if intake.at_front_desk and user.is_front_desk:
        return intake
    deny(user)


def _safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _new_draft(client, *, user, at_front_desk=False, return_url="") -> Intake:
    """The client's open draft, or a new one.

    A client who starts it themselves starts from their current answers. A draft started
    at the desk starts empty: the device is front desk's, so the previous answers are
    offered only once the client confirms who they are (:func:`prefill`).
    """
    existing = client.intakes.drafts().first()
    if existing is not None:
        if return_url and existing.return_url != return_url:
            existing.return_url = return_url
            existing.save(update_fields=["return_url", "updated_at"])
        return existing
    current = Intake.objects.current_for(client)
    last = client.intakes.order_by("-version").values_list("version", flat=True).first()
    prefill = current.answers_prefill() if current and not at_front_desk else {}
    try:
        with transaction.atomic():
            draft = Intake.objects.create(
                client=client,
                version=(last or 0) + 1,
                started_by=user,
                at_front_desk=at_front_desk,
                return_url=return_url,
                **prefill,
            )
    except IntegrityError:
        # Two tabs started at once: the other one won; use its draft.
        return client.intakes.drafts().get()
    log_access(user, client=client, intake=draft, action="change", detail="started a new version")
    return draft


# Drafts whose saved answers this session may show: the client confirmed who they are
# here, for that draft. Anyone else on the desk device sees blank steps.
CONFIRMED_KEY = "intake_confirmed_drafts"
# Wrong dates of birth are allowed per draft (intake.identity), counted in the access
# log so that a new session (logging out and in) does not reset them.
PREFILL_REFUSED = "date of birth did not match: previous answers not shown"


def _confirmed_in_session(request, intake) -> bool:
    return str(intake.public_id) in request.session.get(CONFIRMED_KEY, [])


def _answers_visible(request, intake) -> bool:
    """May pages for ``intake`` (a draft) show its saved answers to this request?"""
    return is_owner(request.user, intake.client) or _confirmed_in_session(request, intake)


def _confirm_in_session(request, intake):
    confirmed = [i for i in request.session.get(CONFIRMED_KEY, []) if i != str(intake.public_id)]
    request.session[CONFIRMED_KEY] = [*confirmed[-19:], str(intake.public_id)]


def _prefill_tries_left(intake) -> int:
    return identity.tries_left(intake.client, intake=intake)


def _done_url(request, intake):
    if request.user.is_front_desk and not is_owner(request.user, intake.client):
        return reverse("intake:desk_done", args=[intake.public_id])
    return _safe_next(request, intake.return_url) or intake.get_absolute_url()


@role_required(Role.CLIENT)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def start(request):
    """The client's health form: resume the draft, show the result, or begin."""
    client = get_own_profile(request)
    draft = client.intakes.drafts().first()
    if request.method == "POST":
        draft = _new_draft(client, user=request.user)
        return redirect("intake:step", draft.public_id, draft.next_step)
    if draft is not None:
        return redirect("intake:step", draft.public_id, draft.next_step)
    current = Intake.objects.current_for(client)
    if current is not None:
        return redirect(current)
    return render(request, "intake/start.html", {"client": client})


@role_required(Role.CLIENT)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def update(request):
    """Start a new version from the current answers; ``?next=`` is where to go after."""
    client = get_own_profile(request)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "POST":
        draft = _new_draft(client, user=request.user, return_url=next_url)
        return redirect("intake:step", draft.public_id, draft.next_step)
    current = Intake.objects.current_for(client)
    versions = client.intakes.completed().order_by("-version")
    log_access(request.user, client=client, intake=current, action="view", detail="update page")
    return render(
        request,
        "intake/update.html",
        {"client": client, "current": current, "versions": versions, "next": next_url},
    )


@role_required(Role.FRONT_DESK)
@no_store
@require_POST
def desk_start(request, client_id):
    """Front desk starts (or resumes) the form for a client who is at the desk."""
    client = get_object_or_404(ClientProfile, public_id=client_id)
    draft = _new_draft(client, user=request.user, at_front_desk=True)
    if not draft.at_front_desk:
        draft.at_front_desk = True
        draft.save(update_fields=["at_front_desk", "updated_at"])
    return redirect("intake:step", draft.public_id, draft.next_step)


@login_required
@no_store
@require_safe
def desk_done(request, public_id):
    """What front desk sees after the client sends the form: no health detail."""
    intake = get_object_or_404(Intake.objects.select_related("client"), public_id=public_id)
    if not (request.user.is_front_desk or is_owner(request.user, intake.client)):
        deny(request.user)
    return render(
        request,
        "intake/desk_done.html",
        {
            "intake": intake,
            "client": intake.client,
            "status": public_status(intake.client, on=clock.today()),
        },
    )


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("intake")
def step(request, public_id, number):
    intake = _get_draft_for_user(request, public_id)
    if not intake.is_draft:
        return redirect(_done_url(request, intake))
    if number not in (Intake.STEP_PAIN, Intake.STEP_HEALTH, Intake.STEP_CONSENT):
        raise Http404
    if number > intake.next_step:
        return redirect("intake:step", intake.public_id, intake.next_step)
    client = intake.client
    today = clock.today()
    post = request.POST if request.method == "POST" else None
    # On the desk device each step is a blank form for the client: going Back (or
    # opening a step's address) never shows what was saved, unless the client confirmed
    # who they are in this session.
    visible = _answers_visible(request, intake)

    if number == Intake.STEP_PAIN:
        shown = intake if post is not None or visible else Intake(client=client)
        form = PainForm(post, instance=shown, today=today)
    elif number == Intake.STEP_HEALTH:
        conditions = Condition.objects.active()
        form = HealthForm(post, conditions=conditions, intake=intake if visible else None)
    else:
        form = ConsentForm(post, client=client, today=today)

    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            locked = Intake.objects.select_for_update().get(pk=intake.pk)
            if not locked.is_draft:
                # A double submit: the first request already sent the form.
                return redirect(_done_url(request, locked))
            if number == Intake.STEP_PAIN:
                form.save()
                fields = list(form.Meta.fields)
            elif number == Intake.STEP_HEALTH:
                intake.answers = form.answers()
                intake.other_conditions = form.cleaned_data["other_conditions"]
                intake.medications = form.cleaned_data["medications"]
                fields = ["answers", "other_conditions", "medications"]
            else:
                intake.consent_text = CONSENT_TEXT
                intake.signature_name = form.cleaned_data["signature_name"]
                intake.signed_on = today
                intake.guardian_name = form.cleaned_data.get("guardian_name", "")
                intake.guardian_consent = bool(form.cleaned_data.get("guardian_consent"))
                fields = [
                    "consent_text", "signature_name", "signed_on", "guardian_name",
                    "guardian_consent",
                ]  # fmt: skip
            intake.steps_done = max(intake.steps_done, number)
            intake.save(update_fields=[*fields, "steps_done", "updated_at"])
        log_access(
            request.user, client=client, intake=intake, action="change", detail=f"step {number}"
        )
        if number < Intake.STEP_CONSENT:
            return redirect("intake:step", intake.public_id, number + 1)
        # Every step must have been saved, whatever order the requests came in.
        if intake.unanswered(Condition.objects.active().values_list("code", flat=True)):
            messages.error(request, "Some health questions still need an answer.")
            return redirect("intake:step", intake.public_id, Intake.STEP_HEALTH)
        if intake.complete(on=today):
            log_access(request.user, client=client, intake=intake, action="change", detail="sent")
            enqueue_urgent_email(intake)
        return redirect(_done_url(request, intake))

    if request.method in ("GET", "HEAD") and visible:
        log_access(
            request.user, client=client, intake=intake, action="view", detail=f"step {number}"
        )
    at_desk = not is_owner(request.user, client)
    confirmed = _confirmed_in_session(request, intake)
    # Consent (step 3) shows nothing saved; steps 1 and 2 do.
    answers_hidden = at_desk and not visible and number <= min(intake.steps_done, 2)
    has_previous = (
        number < Intake.STEP_CONSENT
        and intake.steps_done < Intake.STEP_HEALTH
        # The client's own drafts start from their answers, except those begun at the desk.
        and (at_desk or intake.at_front_desk)
        and Intake.objects.current().filter(client=client).exists()
    )
    if at_desk:
        offer = (
            not confirmed and client.date_of_birth is not None and (has_previous or answers_hidden)
        )
    else:
        offer = not confirmed and has_previous
    return render(
        request,
        "intake/step.html",
        {
            "intake": intake,
            "client": client,
            "form": form,
            "number": number,
            "steps": Intake.STEPS,
            "consent_text": CONSENT_TEXT,
            "at_desk": at_desk,
            "answers_hidden": answers_hidden,
            "offer_previous": offer,
            "has_previous": has_previous,
            "prefill_tries_left": _prefill_tries_left(intake) if offer and at_desk else 0,
            "birth_date_form": BirthDateForm(client=client),
            "percent": 25 * number,
        },
    )


@login_required
@no_store
@require_POST
def prefill(request, public_id):
    """The client confirms who they are: their previous answers fill the draft.

    At the desk the client types their date of birth (5 wrong tries per draft, then no
    more); then this session may show the draft's saved answers, and the client's
    previous answers fill the steps not saved yet. The client logged in as themselves
    needs no date of birth.
    """
    intake = _get_draft_for_user(request, public_id)
    if not intake.is_draft:
        return redirect(_done_url(request, intake))
    client = intake.client
    back = redirect("intake:step", intake.public_id, intake.next_step)
    owner = is_owner(request.user, client)
    if not owner:
        if _prefill_tries_left(intake) == 0:
            messages.error(
                request, "Too many wrong dates of birth: please answer the questions afresh."
            )
            return back
        form = BirthDateForm(request.POST, client=client)
        ok, error = identity.check_birth_date(
            form, user=request.user, client=client, intake=intake, refused_detail=PREFILL_REFUSED
        )
        if not ok:
            messages.error(request, error)
            return back
        _confirm_in_session(request, intake)
    previous = Intake.objects.current_for(client)
    if previous is None or intake.steps_done >= Intake.STEP_HEALTH:
        if owner:
            messages.info(request, "There are no previous answers to start from.")
        else:
            messages.success(request, "Thank you: your saved answers are shown again.")
        return back
    values = previous.answers_prefill()
    fields = []
    if intake.steps_done < Intake.STEP_PAIN:
        fields += PainForm.Meta.fields
    if intake.steps_done < Intake.STEP_HEALTH:
        fields += ["answers", "other_conditions", "medications"]
    with transaction.atomic():
        locked = Intake.objects.select_for_update().get(pk=intake.pk)
        if not locked.is_draft:
            return redirect(_done_url(request, locked))
        for name in fields:
            setattr(locked, name, values[name])
        locked.save(update_fields=[*fields, "updated_at"])
    log_access(
        request.user, client=client, intake=previous, action="view",
        detail="previous answers copied into a new version",
    )  # fmt: skip
    _confirm_in_session(request, intake)
    messages.success(request, "Your previous answers are filled in: check each one as you go.")
    return back
