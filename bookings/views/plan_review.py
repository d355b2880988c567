"""The proposed plan under review, and one view per action: drop, move, confirm.

The proposal lives server-side (``PlanProposalDraft``, see ``bookings.proposals``), one
per client and person proposing. Every form on the page names the proposal it showed
(its token): a page showing an older list (another tab) acts on nothing and is told so
(409), and confirming a list already booked goes to the booked plan.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings import plans, proposals
from bookings.availability import slots_by_therapist, therapists_for
from bookings.errors import BookingError, NotAllowed, SlotTaken
from bookings.forms import MoveSessionForm
from bookings.views.common import (
    STAFF,
    booking_closed,
    client_for_booking,
    client_picker,
    client_query,
)
from clinic.access import no_store, role_required
from clinic.models import Role, Service, Therapist
from clinic.security.ratelimit import rate_limited

CHANGED_ELSEWHERE = "The list of sessions changed in another tab. Check it and confirm again."


def _url(name, request, client):
    return reverse(name) + "?" + urlencode(client_query(request, client))


class _Review:
    """The client, their stored proposal and the page's own token, for one request."""

    def __init__(self, request):
        self.request = request
        self.client = client_for_booking(request)
        self.draft = None
        self.proposal = None
        if self.client is not None:
            self.draft = proposals.draft_for(self.client, request.user)
            self.proposal = proposals.open_proposal(self.draft)
        self.token = request.POST.get("proposal")

    @property
    def stale(self):
        """The form came from a page showing another proposal than the stored one."""
        return bool(self.token) and self.token != self.proposal.token

    def save(self):
        proposals.save_draft(self.proposal, client=self.client, by=self.request.user)

    def start_over(self):
        messages.info(self.request, "Start by choosing the days and time that suit you.")
        return redirect(_url("bookings:plan_new", self.request, self.client))

    def back_to_list(self):
        return redirect(_url("bookings:plan_review", self.request, self.client))

    def page(self, *, move_index=None, move_form=None, problem=None):
        request, client = self.request, self.client
        return render(
            request,
            "bookings/plan_review.html",
            {
                "client": client,
                "proposal": self.proposal,
                "rows": _review_rows(self.proposal),
                "summary": _summary(self.proposal),
                "move_form": move_form,
                "move_index": move_index,
                "problem": problem,
                "client_query": urlencode(client_query(request, client)),
                "back": _url("bookings:plan_new", request, client),
            },
            status=409 if problem else 200,
        )

    def index(self, value):
        index = _int(value)
        if index is None or not 0 <= index < len(self.proposal.sessions):
            return None
        return index


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_safe
def plan_review(request):
    """The whole proposed list: drop a session, move one, then confirm all at once."""
    review = _Review(request)
    if review.client is None:
        return client_picker(request)
    if review.proposal is None:
        return review.start_over()
    if closed := booking_closed(request, review.client):
        return closed
    return review.page()


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_POST
def plan_drop(request):
    """Take one session off the proposed list."""
    review = _Review(request)
    if review.client is None:
        return client_picker(request)
    if review.proposal is None:
        return review.start_over()
    if closed := booking_closed(request, review.client):
        return closed
    if review.stale:
        return review.page(problem=CHANGED_ELSEWHERE)
    index = review.index(request.POST.get("index"))
    if index is None:
        return review.page()
    del review.proposal.sessions[index]
    review.save()
    messages.info(request, "The session is taken off the list.")
    return review.back_to_list()


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def plan_move(request):
    """The free times near one session (GET), and moving the session to one (POST)."""
    review = _Review(request)
    if review.client is None:
        return client_picker(request)
    if review.proposal is None:
        return review.start_over()
    if closed := booking_closed(request, review.client):
        return closed
    if request.method == "POST" and review.stale:
        return review.page(problem=CHANGED_ELSEWHERE)
    source = request.POST if request.method == "POST" else request.GET
    index = review.index(source.get("index"))
    if index is None:
        return review.page()
    form = _move_form(request, review.proposal, index)
    if request.method == "POST" and form.is_valid():
        session = review.proposal.sessions[index]
        session.start = form.cleaned_data["start"].isoformat()
        session.therapist_id = form.cleaned_data["therapist"].pk
        session.moved = True
        review.save()
        return review.back_to_list()
    return review.page(move_index=index, move_form=form)


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_POST
@rate_limited("booking")
def plan_confirm(request):
    """Book every session on the list in one transaction, or none."""
    review = _Review(request)
    client = review.client
    if client is None:
        return client_picker(request)
    if review.proposal is None:
        draft = review.draft
        if draft is not None and draft.booked_plan_id and review.token == draft.token:
            messages.info(request, "This plan is already booked.")
            return redirect("bookings:plan_detail", pk=draft.booked_plan_id)
        return review.start_over()
    if closed := booking_closed(request, client):
        return closed
    if review.stale:
        return review.page(problem=CHANGED_ELSEWHERE)
    proposal = review.proposal
    try:
        plan = plans.book_plan(proposal=proposal, client=client, by=request.user)
    except NotAllowed as refusal:
        words = refusal.eligibility.for_viewer(request.user, client)
        return review.page(problem=f"{words.reason} {words.next_step}")
    except SlotTaken as taken:
        session = proposal.sessions[taken.index]
        alternatives = taken.alternatives(limit=1)
        when = session.start_at
        session.start = alternatives[0].isoformat() if alternatives else None
        session.moved = True
        review.save()
        return review.page(
            problem=(
                (
                    f"The session on {when:%A %-d %B at %H:%M} was just taken, so nothing was "
                    "booked."
                    if taken.just_taken
                    else f"The session on {when:%A %-d %B at %H:%M} cannot be booked: "
                    f"{taken.message} Nothing was booked."
                )
                + " We have put the nearest free time in its place; check the list and "
                "confirm again."
            )
        )
    except BookingError as error:
        return review.page(problem=error.message)
    proposals.mark_booked(review.draft, plan)
    messages.success(request, "Your treatment plan is booked. Every session is listed below.")
    return redirect("bookings:plan_detail", pk=plan.pk)


def _review_rows(proposal):
    therapists = Therapist.objects.select_related("user").in_bulk(
        {s.therapist_id for s in proposal.sessions if s.therapist_id}
    )
    rows, number = [], 0
    gaps = set(proposals.plan_gap_problems(proposal.sessions))
    for index, session in enumerate(proposal.sessions):
        if not session.reassessment:
            number += 1
        rows.append(
            {
                "index": index,
                "number": number,
                "session": session,
                "start": session.start_at,
                "therapist": therapists.get(session.therapist_id),
                "too_close": index in gaps,
            }
        )
    return rows


def _summary(proposal):
    """The treatment, the price of each visit and the total of the visits listed with a
    time (the ones confirming books), at today's prices."""
    services = Service.objects.in_bulk(
        {proposal.service_id, proposal.reassessment_service_id} - {None}
    )
    service = services.get(proposal.service_id)
    review = services.get(proposal.reassessment_service_id)
    listed = [s for s in proposal.sessions if s.start]
    sessions = sum(1 for s in listed if not s.reassessment)
    reviews = len(listed) - sessions
    total = (service.price if service else 0) * sessions
    total += (review.price if review else 0) * reviews
    return {
        "service": service,
        "reassessment_service": review,
        "sessions": sessions,
        "reviews": reviews,
        "total": total,
    }


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _move_form(request, proposal, index):
    """Free times within two days of the session's target, each with who is free then.

    A plan with a chosen therapist offers that therapist's times; an "anyone" plan offers
    every therapist's, keeping the session's own therapist where several are free.
    """
    session = proposal.sessions[index]
    service = Service.objects.get(
        pk=proposal.reassessment_service_id if session.reassessment else proposal.service_id
    )
    if proposal.therapist_id:
        therapists = [Therapist.objects.select_related("user").get(pk=proposal.therapist_id)]
    else:
        therapists = list(therapists_for(service))
    target = date.fromisoformat(session.target)
    duration = None if session.reassessment else proposal.session_minutes
    found = slots_by_therapist(
        therapists,
        service,
        target - timedelta(days=proposals.MOVE_DAYS),
        target + timedelta(days=proposals.MOVE_DAYS),
        duration=duration,
    )
    by_start = {}
    for therapist, slots in found.items():
        for slot in slots:
            if slot.start not in by_start or therapist.pk == session.therapist_id:
                by_start[slot.start] = therapist
    pairs = sorted(by_start.items(), key=lambda pair: pair[0])[:40]
    return MoveSessionForm(
        request.POST if request.method == "POST" else None,
        slots=pairs,
        show_therapist=not proposal.therapist_id,
    )
