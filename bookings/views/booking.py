"""Booking one session: the free times, then the confirmation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from bookings import appointments
from bookings.availability import (
    next_free_slot,
    slots_by_therapist,
    slots_offering,
)
from bookings.closures import closures_on
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
from clinic.security.ratelimit import rate_limited
from intake.eligibility import can_book_on_days

# --- Booking one session --------------------------------------------------------------


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_safe
def book(request):
    """Service → therapist or anyone → day → the free times, each linking to confirm."""
    client = client_for_booking(request)
    if client is None:
        return client_picker(request)
    today = clock.today()
    data = request.GET if "service" in request.GET else None
    form = SlotSearchForm(data, today=today, initial={"day": today})
    valid = form.is_valid()
    # Today's verdict and the searched day's, from one reading of the health form.
    verdicts = can_book_on_days(client, {today, form.cleaned_data["day"]} if valid else {today})
    if closed := booking_closed(request, client, today=today, today_verdict=verdicts[today]):
        return closed
    context = {"form": form, "client": client, "for_someone_else": is_desk(request.user)}
    if valid:
        service = form.cleaned_data["service"]
        therapist = form.cleaned_data["therapist"]
        day = form.cleaned_data["day"]
        verdict = verdicts[day].for_viewer(request.user, client)
        context["verdict"] = verdict
        if verdict.allowed:
            staff = is_desk(request.user)
            if therapist:
                therapists = [therapist]
                found = slots_by_therapist(therapists, service, day, day, notice=not staff)
            else:
                # Every active therapist offering the service, found with their working
                # hours; the form has already read the active therapists.
                by_id = slots_offering(service, day, day, notice=not staff)
                found = {form.therapists[pk]: by_id[pk] for pk in by_id if pk in form.therapists}
                # Those who do not offer the service get no time from next_free_slot.
                therapists = list(form.therapists.values())
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
                context["closures"] = closures_on(day, therapists)
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
@rate_limited("booking")
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
    context["inside_window"] = location is not None and (
        location.cancellation_cutoff(start) <= timezone.now()
    )
    return render(request, "bookings/confirm.html", context)


def _taken_page(request, taken, client):
    alternatives = [
        {
            "start": start,
            "url": confirm_url(request, client, taken.service, taken.therapist, start),
        }
        for start in taken.alternatives(notice=not is_desk(request.user))
    ]
    return render(
        request,
        "bookings/taken.html",
        {
            "taken": taken,
            "alternatives": alternatives,
            "client": client,
            "for_someone_else": is_desk(request.user),
            "book_url": reverse("bookings:book") + "?" + urlencode(client_query(request, client)),
        },
        status=409,
    )
