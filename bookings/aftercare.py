"""After each visit: "how do you feel?", and what each reply means.

24 to 48 hours after a recorded visit the client gets one message (``bookings.tasks``
sends it, once, to a confirmed address) with a link keyed by ``AftercareCheck.token``.
:func:`aftercare_result` is the one rule for a reply:

* feeling better, or normal soreness: reassurance and aftercare advice;
* pain much worse than before, or lasting past 48 hours: rest, contact the clinic, see a
  doctor if it persists; the therapist is told;
* a red-flag symptom: urgent medical care now; the therapist is told.

The therapist's e-mail carries no health detail; the reply is on the appointment page
and the therapist's day for those who may read health data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django import forms
from django.db import transaction
from django.utils import timezone

from bookings import tasks
from bookings.checks import red_flags
from bookings.models import AftercareAnswer, AftercareCheck
from intake.audit import log_access

# The reply link stays open this long after the session: long enough to say the pain has
# lasted, short enough that an old e-mail is not a way in.
LINK_OPEN_DAYS = 7
CONCERNS = (AftercareAnswer.WORSE, AftercareAnswer.LASTING, AftercareAnswer.RED_FLAG)


@dataclass(frozen=True, slots=True)
class AftercareResult:
    answer: str

    @property
    def urgent(self) -> bool:
        """A red flag: urgent medical care now."""
        return self.answer == AftercareAnswer.RED_FLAG

    @property
    def concern(self) -> bool:
        """The therapist must be told: much worse, lasting past 48 hours, or a red flag."""
        return self.answer in CONCERNS

    @property
    def expected(self) -> bool:
        """Better, or the soreness that is expected after massage."""
        return not self.concern


def aftercare_result(answer: str) -> AftercareResult:
    """What a reply means; an answer that is not one of ``AftercareAnswer`` is an error."""
    if answer not in AftercareAnswer.values:
        raise ValueError(f"Unknown after-visit answer: {answer!r}")
    return AftercareResult(answer=answer)


class AftercareForm(forms.Form):
    answer = forms.ChoiceField(
        label="How do you feel since your visit?",
        choices=AftercareAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose the answer that fits best.",
            "invalid_choice": "Please choose one of the answers listed.",
        },
    )
    note = forms.CharField(
        label="Anything you would like to tell your therapist? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.red_flags = red_flags()
        self.fields["answer"].help_text = (
            "If more than one fits, choose the one lowest in the list. The warning signs: "
            + "; ".join(self.red_flags)
            + "."
        )


def link_closes_at(check: AftercareCheck) -> datetime:
    return check.appointment.end + timedelta(days=LINK_OPEN_DAYS)


def link_open(check: AftercareCheck, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return now < link_closes_at(check)


def record_answer(
    check: AftercareCheck, answer: str, *, note: str = "", now: datetime | None = None
) -> AftercareResult:
    """Store the client's reply (a later reply replaces it) and tell the therapist.

    The therapist is told each time the reply becomes a concern it was not before
    (after the commit, by e-mail without health details). The reply comes by the link,
    so the access log names no user.
    """
    now = now or timezone.now()
    result = aftercare_result(answer)
    with transaction.atomic():
        check = (
            AftercareCheck.objects.select_for_update(of=("self",))
            .select_related("appointment__client")
            .get(pk=check.pk)
        )
        previous = check.answer
        check.answer = answer
        check.note = note.strip()
        check.answered_at = now
        fields = ["answer", "note", "answered_at"]
        if result.concern and previous != answer:
            check.therapist_told_at = now
            fields.append("therapist_told_at")
            transaction.on_commit(partial(tasks.send_aftercare_notice.enqueue, check.pk))
        check.save(update_fields=fields)
        log_access(
            None, client=check.appointment.client, action="change", detail="after-visit reply"
        )
    return result
