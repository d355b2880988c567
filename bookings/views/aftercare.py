"""The after-visit reply ("how do you feel?"), reached by the e-mailed link's token."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from bookings import aftercare, notifications
from bookings.models import AftercareCheck
from clinic.access import no_store


@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def aftercare_view(request, token):
    """The token is the only key; the page never shows an earlier reply."""
    check = get_object_or_404(
        AftercareCheck.objects.select_related(
            "appointment__client__user",
            "appointment__therapist__user",
            "appointment__service",
            "appointment__location",
        ),
        token=token,
    )
    appointment = check.appointment
    is_open = aftercare.link_open(check)
    form = aftercare.AftercareForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and is_open and form.is_valid():
        result = aftercare.record_answer(
            check, form.cleaned_data["answer"], note=form.cleaned_data["note"]
        )
        article = notifications.aftercare_article(appointment.client) if result.expected else None
        return render(
            request,
            "bookings/aftercare/result.html",
            {
                "appointment": appointment,
                "result": result,
                "location": appointment.location,
                "article": article,
            },
        )
    return render(
        request,
        "bookings/aftercare/reply.html",
        {
            "appointment": appointment,
            "check": check,
            "form": form,
            "is_open": is_open,
        },
        status=400 if request.method == "POST" and is_open and form.errors else 200,
    )
