"""Issue 9, finding 5: the admin changes an appointment's status only through the booking
workflows; no admin request double-books or ends in a 500."""

import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from bookings.models import Appointment, HoldCode
from tests.base import ClinicTestCase
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 9, 0)
TUESDAY_10 = utc(2026, 3, 3, 10, 0)


@time_machine.travel(NOW, tick=False)
class AppointmentAdminTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        with time_machine.travel(utc(2026, 2, 1, 9, 0), tick=False):
            make_intake(cls.client_profile)
            make_intake(cls.other_client_profile)

    def setUp(self):
        self.login(self.admin_user)
        self.changelist = reverse("admin:bookings_appointment_changelist")

    def act(self, action, *appointments):
        return self.client.post(
            self.changelist,
            {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in appointments]},
            follow=True,
        )

    def test_the_status_cannot_be_edited_on_the_change_form(self):
        appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, TUESDAY_10,
            status="cancelled",
        )  # fmt: skip
        url = reverse("admin:bookings_appointment_change", args=[appointment.pk])

        response = self.client.get(url)

        assert response.status_code == 200
        assert "status" not in response.context["adminform"].form.fields
        self.client.post(url, {"status": "booked", "cancel_reason": ""})
        appointment.refresh_from_db()
        assert appointment.status == "cancelled"

    def test_cancel_hold_and_release_go_through_the_booking_workflows(self):
        appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, TUESDAY_10
        )

        self.act("hold_selected", appointment)
        appointment.refresh_from_db()
        assert (appointment.status, appointment.hold_code) == ("held", HoldCode.STAFF)

        self.act("release_selected", appointment)
        appointment.refresh_from_db()
        assert (appointment.status, appointment.hold_code) == ("booked", "")

        self.act("cancel_selected", appointment)
        appointment.refresh_from_db()
        assert appointment.status == "cancelled"

    def test_releasing_a_hold_the_health_form_refuses_is_a_message_not_a_change(self):
        appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, TUESDAY_10,
            status="held", hold_code=HoldCode.HEALTH_GATE,
        )  # fmt: skip
        make_intake(self.client_profile, yes={"saddle_numbness"})

        response = self.act("release_selected", appointment)

        assert response.status_code == 200
        self.assertContains(response, "Urgent: a therapist must speak to this client now.")
        self.assertNotContains(response, "doctor")
        appointment.refresh_from_db()
        assert appointment.status == "held"

    def test_an_action_that_cannot_apply_is_a_message_not_a_500(self):
        cancelled = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, TUESDAY_10,
            status="cancelled",
        )  # fmt: skip
        make_appointment(
            self.other_client_profile, self.therapist, self.service, self.room, TUESDAY_10
        )

        for action in ("hold_selected", "release_selected", "cancel_selected"):
            response = self.act(action, cancelled)
            assert response.status_code == 200
        cancelled.refresh_from_db()
        assert cancelled.status == "cancelled"
        assert Appointment.objects.filter(status="booked").count() == 1
