"""Issue 9, finding 4: one check (check_bookable) that a service may be booked with a
therapist, made by every form and flow that creates or moves an appointment."""

import time_machine
from django.urls import reverse

from bookings.appointments import book_appointment, check_bookable
from bookings.errors import BookingError
from bookings.models import Appointment
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import BookingViewCase, utc, weekday_hours
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 8, 0)
SLOT = utc(2026, 3, 10, 10, 0)


@time_machine.travel(NOW, tick=False)
class BookableTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        cls.deep = make_service("Deep tissue massage", "deep_tissue")
        cls.review = make_service("Reassessment", "swedish", minutes=30, is_reassessment=True)
        cls.ben = make_therapist(
            "ben@example.com", location=cls.location, techniques=("deep_tissue",),
            hours=weekday_hours(),
        )  # fmt: skip
        with time_machine.travel(utc(2026, 3, 1), tick=False):
            make_intake(cls.client_profile)

    def confirm(self, **data):
        self.login(self.client_user)
        post = {"service": self.service.pk, "therapist": self.therapist.pk, "start": SLOT}
        post.update(data)
        post["start"] = post["start"].isoformat()
        return self.client.post(reverse("bookings:confirm"), post, follow=True)

    def test_a_hand_edited_confirm_cannot_book_a_therapist_who_does_not_offer_the_service(self):
        response = self.confirm(therapist=self.ben.pk)

        self.assertContains(response, "does not offer Swedish massage")
        assert not Appointment.objects.exists()

    def test_a_hand_edited_confirm_cannot_book_the_reassessment_outside_a_plan(self):
        response = self.confirm(service=self.review.pk)

        self.assertContains(response, "A reassessment is booked as part of a treatment plan.")
        assert not Appointment.objects.exists()

    def test_the_confirm_step_still_books_a_therapist_who_offers_the_service(self):
        self.confirm()

        assert Appointment.objects.count() == 1

    def test_booking_directly_refuses_what_the_forms_refuse(self):
        with self.assertRaises(BookingError) as raised:
            book_appointment(
                client=self.client_profile,
                therapist=self.ben,
                service=self.service,
                start=SLOT,
                by=self.client_user,
            )

        assert raised.exception.code == "not_offered"

    def test_an_inactive_service_or_therapist_is_refused(self):
        self.deep.active = False
        self.deep.save(update_fields=["active"])
        with self.assertRaises(BookingError) as raised:
            check_bookable(self.deep, self.ben)
        assert raised.exception.code == "inactive_service"

        self.therapist.active = False
        self.therapist.save(update_fields=["active"])
        with self.assertRaises(BookingError) as raised:
            check_bookable(self.service, self.therapist)
        assert raised.exception.code == "not_offered"

    def test_the_reassessment_is_bookable_inside_a_plan(self):
        check_bookable(self.review, self.therapist, in_plan=True)
