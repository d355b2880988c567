"""What the bookings pages share: whom a page books for, and the objects a user may see."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode

from bookings.appointments import eligibility
from bookings.models import Appointment, TreatmentPlan
from clinic import clock
from clinic.access import get_own_profile
from clinic.forms import ClientSearchForm
from clinic.models import ClientProfile, Role
from clinic.roles import is_desk
from intake.eligibility import first_bookable_day

STAFF = (Role.FRONT_DESK, Role.CLINIC_ADMIN)


def client_for_booking(request):
    """The client being booked for: oneself, or (front desk) the one named in the request.

    Returns None for front desk until a client is chosen.
    """
    user = request.user
    if is_desk(user):
        public_id = request.POST.get("client") or request.GET.get("client")
        if not public_id:
            return None
        try:
            return ClientProfile.objects.select_related("user").get(public_id=public_id)
        except (ClientProfile.DoesNotExist, ValueError, ValidationError):
            raise Http404("No such client.") from None
    return get_own_profile(request)


def appointments_for(user):
    appointments = Appointment.objects.select_related(
        "client__user", "therapist__user", "service", "location", "room", "plan"
    )
    if is_desk(user):
        return appointments
    if user.is_therapist:
        return appointments.filter(therapist__user=user)
    return appointments.filter(client__user=user)


def get_appointment_for_user(request, pk):
    return get_object_or_404(appointments_for(request.user), pk=pk)


def get_plan_for_user(request, pk):
    user = request.user
    plans = TreatmentPlan.objects.select_related(
        "client__user", "therapist__user", "service", "technique", "previous"
    ).prefetch_related(
        Prefetch(
            "appointments",
            Appointment.objects.select_related("therapist__user", "location").order_by("start"),
        )
    )
    if not (is_desk(user)):
        if user.is_therapist:
            plans = plans.filter(client__care_team__user=user)
        else:
            plans = plans.filter(client__user=user)
    return get_object_or_404(plans.distinct(), pk=pk)


def client_query(request, client):
    """The client named in links and redirects: needed only when front desk books."""
    if client is None or not is_desk(request.user):
        return {}
    return {"client": str(client.public_id)}


def confirm_url(request, client, service, therapist, start):
    query = {"service": service.pk, "therapist": therapist.pk, "start": start.isoformat()}
    query.update(client_query(request, client))
    return reverse("bookings:confirm") + "?" + urlencode(query)


def client_picker(request):
    form = ClientSearchForm(request.GET or None)
    clients = []
    if form.is_valid() and form.cleaned_data["q"]:
        clients = list(ClientProfile.objects.search(form.cleaned_data["q"])[:20])
    return render(
        request,
        "bookings/pick_client.html",
        {"form": form, "clients": clients, "next": request.path},
    )


def booking_closed(request, client, *, on=None, today=None, today_verdict=None):
    """The "booking is not open" page when ``client`` may not book, else ``None``.

    With ``on`` (a confirm page's day) the verdict for that day decides; without, whether
    any day opens at all (``intake.eligibility.first_bookable_day``; ``today_verdict``
    when the caller has today's already). Every page that
    starts a booking asks first, so a typed or old URL never shows a form or a live
    button that could only refuse.
    """
    if on is not None:
        verdict = eligibility(client, on)
        if verdict.allowed:
            return None
    else:
        opens, verdict = first_bookable_day(
            client, today=today or clock.today(), verdict=today_verdict
        )
        if opens is not None:
            return None
    return render(
        request,
        "bookings/not_allowed.html",
        {"verdict": verdict.for_viewer(request.user, client), "client": client},
    )
