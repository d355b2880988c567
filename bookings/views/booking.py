"""Booking one session: the free times, then the confirmation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from bookings import appointments
from bookings.availability import next_free_slot, slots_by_therapist, therapists_for
from bookings.errors import BookingError, NotAllowed, SlotTaken
from bookings.forms import (
    ConfirmForm,
    SlotSearchForm,
)
from bookings.timeutils import as_local, local_day_bounds
from bookings.views.common import (
    STAFF,
    booking_closed,
    client_for_booking,
    client_picker,
    client_query,
    confirm_url,
)
from clinic import clock
from clinic.access import no_store, role_required
from clinic.models import Role
from clinic.roles import is_desk

# --- Booking one session --------------------------------------------------------------


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_safe
def book(request):
    """Service → therapist or anyone → day → the free times, each linking to confirm."""
    client = client_for_booking(request)
    if client is None:
        return client_picker(request)
    if closed := booking_closed(request, client):
        return closed
    today = clock.today()
    data = request.GET if "service" in request.GET else None
    form = SlotSearchForm(data, today=today, initial={"day": today})
    context = {"form": form, "client": client, "for_someone_else": is_desk(request.user)}
    if form.is_valid():
        service = form.cleaned_data["service"]
        therapist = form.cleaned_data["therapist"]
        day = form.cleaned_data["day"]
        verdict = appointments.eligibility(client, day).for_viewer(request.user, client)
        context["verdict"] = verdict
        if verdict.allowed:
            staff = is_desk(request.user)
            therapists = [therapist] if therapist else list(therapists_for(service))
            found = slots_by_therapist(therapists, service, day, day, notice=not staff)
            times = []
            for who, slots in found.items():
                times.extend((slot.start, who) for slot in slots)
            times.sort(key=lambda pair: (pair[0], pair[1].name))
            if not therapist:
                # "Anyone": one row per time, the first therapist free then.
                seen, unique = set(), []
                for start, who in times:
                    if start not in seen:
                        seen.add(start)
                        unique.append((start, who))
                times = unique
            context["times"] = [
                {
                    "start": start,
                    "therapist": who,
                    "url": confirm_url(request, client, service, who, start),
                }
                for start, who in times
            ]
            if not times:
                zone = clock.zone()
                soonest = next_free_slot(
                    service, after=local_day_bounds(day, zone)[1], therapists=therapists
                )
                if soonest:
                    who, start = soonest
                    context["soonest"] = {
                        "start": start,
                        "therapist": who,
                        "url": confirm_url(request, client, service, who, start),
                    }
    return render(request, "bookings/book.html", context)


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request):
    client = client_for_booking(request)
    if client is None:
        return client_picker(request)
    form = ConfirmForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        # A hand-edited request: say what is wrong with it when the form can tell.
        problems = [e for name in ("therapist", "service") for e in form.errors.get(name, [])]
        if problems:
            messages.error(request, " ".join(problems))
        else:
            messages.error(request, "That time could not be read. Please choose a time again.")
        return redirect(reverse("bookings:book") + "?" + urlencode(client_query(request, client)))
    service = form.cleaned_data["service"]
    therapist = form.cleaned_data["therapist"]
    start = form.cleaned_data["start"]
    location = therapist.locations.filter(active=True).first()
    if request.method != "POST" and (
        closed := booking_closed(request, client, on=clock.local_date(start, location))
    ):
        return closed
    context = {"form": form, "client": client, "service": service, "therapist": therapist}
    if request.method == "POST":
        try:
            appointment = appointments.book_appointment(
                client=client, therapist=therapist, service=service, start=start, by=request.user
            )
        except NotAllowed as refusal:
            return render(
                request,
                "bookings/not_allowed.html",
                {"verdict": refusal.eligibility.for_viewer(request.user, client), "client": client},
            )
        except SlotTaken as taken:
            return _taken_page(request, taken, client)
        except BookingError as error:
            messages.error(request, error.message)
            return redirect(
                reverse("bookings:book") + "?" + urlencode(client_query(request, client))
            )
        messages.success(request, "Booked. We have saved your appointment.")
        return redirect(reverse("bookings:appointment_detail", args=[appointment.pk]) + "?booked=1")
    context["start"] = as_local(start, location.zone) if location else start
    context["location"] = location
    return render(request, "bookings/confirm.html", context)


def _taken_page(request, taken, client):
    alternatives = [
        {
            "start": start,
            "url": confirm_url(request, client, taken.service, taken.therapist, start),
        }
        for start in taken.alternatives()
    ]
    return render(
        request,
        "bookings/taken.html",
        {
            "taken": taken,
            "alternatives": alternatives,
            "client": client,
            "book_url": reverse("bookings:book") + "?" + urlencode(client_query(request, client)),
        },
        status=409,
    )
