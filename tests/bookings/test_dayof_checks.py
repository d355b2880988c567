"""The day-of questions before each visit: the rule, the link, the desk, who sees what."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from bookings import appointments, checks
from bookings.models import Appointment, DayOfCheck, DayOfOutcome, HoldCode
from clinic.models import ClientProfile
from intake.catalog import SEED_CATALOG
from intake.models import HealthDataAccess
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake

TUESDAY_10 = utc(2026, 3, 3, 10, 0)  # 10:00 in London (GMT in March)
MONDAY_11 = utc(2026, 3, 2, 11, 0)  # the day before: the reminder has gone out
TUESDAY_0930 = utc(2026, 3, 3, 9, 30)  # the client arrives

CLEAR = {"fever": False, "injury": False, "calf": False, "red_flag": False, "painkillers": False}
POST_CLEAR = dict.fromkeys(CLEAR, "no")
SPEAK = "A therapist must speak to the client before the session"


def answers(**yes):
    return {**CLEAR, **yes}


def post(**yes):
    return {**POST_CLEAR, **dict.fromkeys(yes, "yes")}


class DayOfResultTests(SimpleTestCase):
    """The one rule both roads use."""

    def test_all_no_goes_ahead(self):
        result = checks.day_of_result(answers())
        self.assertEqual(result.outcome, DayOfOutcome.GO_AHEAD)
        self.assertTrue(result.go_ahead)
        self.assertEqual(result.desk_words, "Go ahead")

    def test_a_fever_today_stops_for_a_therapist(self):
        result = checks.day_of_result(answers(fever=True))
        self.assertEqual(result.outcome, DayOfOutcome.SPEAK)
        self.assertEqual(result.stops, ("fever",))
        self.assertEqual(result.desk_words, SPEAK)

    def test_an_injury_in_the_last_72_hours_stops_for_a_therapist(self):
        result = checks.day_of_result(answers(injury=True))
        self.assertEqual(result.outcome, DayOfOutcome.SPEAK)
        self.assertFalse(result.urgent)

    def test_a_swollen_calf_now_is_urgent(self):
        result = checks.day_of_result(answers(calf=True))
        self.assertEqual(result.outcome, DayOfOutcome.URGENT)
        self.assertEqual(result.desk_words, SPEAK)

    def test_a_red_flag_is_urgent_whatever_else(self):
        result = checks.day_of_result(answers(red_flag=True, fever=True, painkillers=True))
        self.assertEqual(result.outcome, DayOfOutcome.URGENT)
        self.assertEqual(result.stops, ("red_flag", "fever"))

    def test_painkillers_alone_go_ahead_and_are_noted(self):
        result = checks.day_of_result(answers(painkillers=True))
        self.assertTrue(result.go_ahead)
        self.assertTrue(result.painkillers)

    def test_an_unanswered_question_is_never_taken_as_no(self):
        partial = answers()
        del partial["calf"]
        with self.assertRaises(ValueError):
            checks.day_of_result(partial)
        with self.assertRaises(ValueError):
            checks.day_of_result({**CLEAR, "red_flag": None})

    def test_every_urgent_red_flag_of_the_catalog_has_plain_words(self):
        urgent = {e.code for e in SEED_CATALOG if e.urgent} - {"suspected_dvt"}
        self.assertEqual(set(checks.RED_FLAG_WORDS), urgent)


@override_settings(SITE_URL="https://clinic.example")
class DayOfCase(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist(
            "ava@example.com", location=cls.location, first_name="Ava", last_name="Stone"
        )
        cls.location.emergency_number = "999"
        cls.location.urgent_advice_number = "111"
        cls.location.save()
        with time_machine.travel(utc(2026, 2, 1, 9, 0), tick=False):
            make_intake(cls.client_profile)

    def setUp(self):
        self.appointment = make_appointment(
            self.client_profile, self.ava, self.service, self.room, TUESDAY_10
        )
        self.client_profile.care_team.add(self.ava)
        self.url = reverse("bookings:checkin", args=[self.appointment.checkin_token])
        self.desk_url = reverse("bookings:desk_day_check", args=[self.appointment.pk])

    def refreshed(self):
        self.appointment.refresh_from_db()
        return self.appointment


@time_machine.travel(MONDAY_11, tick=False)
class LinkTests(DayOfCase):
    """By the reminder's link: no log-in, the check-in token is the key."""

    def test_the_check_in_page_asks_the_day_of_questions(self):
        response = self.client.get(self.url)
        self.assertContains(response, "How are you today?")
        self.assertContains(response, "Do you have a fever today")
        self.assertContains(response, "is one of your calves swollen, warm, red or painful?")
        self.assertContains(response, "new trouble passing urine")
        self.assertContains(response, "Have you taken any painkillers today?")

    def test_all_clear_checks_in_and_stores_the_answers(self):
        response = self.client.post(self.url, {"changed": "no", **post()})
        self.assertRedirects(response, self.url)
        appointment = self.refreshed()
        self.assertEqual(appointment.status, Appointment.Status.BOOKED)
        self.assertEqual(appointment.checkin_confirmed_at, MONDAY_11)
        check = DayOfCheck.objects.get(appointment=appointment)
        self.assertEqual(check.outcome, DayOfOutcome.GO_AHEAD)
        self.assertEqual(check.via, DayOfCheck.Via.LINK)
        self.assertIsNone(check.answered_by)
        log = HealthDataAccess.objects.get(detail__startswith="day-of check")
        self.assertEqual((log.client, log.action, log.user), (self.client_profile, "change", None))
        # The page by token never shows the answers, only that they were given.
        page = self.client.get(self.url)
        self.assertContains(page, "You have answered them already")

    def test_a_fever_holds_the_visit_and_tells_the_therapist_without_details(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.url, {"changed": "no", "note": "Shivery since last night", **post(fever=True)}
            )
        self.assertContains(response, "Your therapist needs to speak to you first")
        self.assertNotContains(response, "urgent medical care")
        appointment = self.refreshed()
        self.assertEqual(appointment.status, Appointment.Status.HELD)
        self.assertEqual(appointment.hold_code, HoldCode.DAY_OF)
        self.assertIsNone(appointment.checkin_confirmed_at)
        [message] = mail.outbox
        self.assertEqual(message.to, ["ava@example.com"])
        self.assertIn("Please speak to Ann C. before the session", message.subject)
        for text in (message.body, message.alternatives[0][0]):
            self.assertIn("the answers are on the appointment page", text)
            self.assertNotIn("fever", text.lower())
            self.assertNotIn("Shivery", text)

    def test_an_injury_holds_the_visit(self):
        self.client.post(self.url, {"changed": "no", **post(injury=True)})
        self.assertEqual(self.refreshed().hold_code, HoldCode.DAY_OF)

    def test_a_red_flag_shows_the_urgent_care_guidance(self):
        response = self.client.post(self.url, {"changed": "no", **post(red_flag=True)})
        self.assertContains(response, "No massage today: please get medical care first")
        self.assertContains(response, "Please get urgent medical care today.")
        self.assertContains(response, 'call <a href="tel:999"><strong>999</strong></a>', html=False)
        self.assertContains(response, 'call <a href="tel:111"><strong>111</strong></a>', html=False)
        self.assertEqual(self.refreshed().hold_code, HoldCode.DAY_OF)

    def test_a_swollen_calf_shows_the_urgent_care_guidance(self):
        response = self.client.post(self.url, {"changed": "no", **post(calf=True)})
        self.assertContains(response, 'data-day-of="urgent"', html=False)
        self.assertEqual(self.refreshed().status, Appointment.Status.HELD)

    def test_painkillers_go_ahead_and_the_therapist_reads_them(self):
        self.client.post(self.url, {"changed": "no", **post(painkillers=True)})
        self.assertEqual(self.refreshed().status, Appointment.Status.BOOKED)
        self.login(self.ava.user)
        page = self.client.get(reverse("bookings:appointment_detail", args=[self.appointment.pk]))
        self.assertContains(page, "Painkillers taken today: feedback on pressure may be dulled")

    def test_a_stop_with_a_health_change_points_to_the_health_form(self):
        response = self.client.post(self.url, {"changed": "yes", **post(fever=True)})
        self.assertContains(response, "Update your health form")

    def test_a_missing_answer_gets_a_message_and_records_nothing(self):
        data = {"changed": "no", **post()}
        del data["red_flag"]
        response = self.client.post(self.url, data)
        self.assertContains(response, "Please answer yes or no.")
        self.assertFalse(DayOfCheck.objects.exists())
        self.assertIsNone(self.refreshed().checkin_confirmed_at)

    def test_a_nonsense_answer_gets_a_message_and_records_nothing(self):
        response = self.client.post(self.url, {"changed": "no", **post(), "fever": "maybe"})
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(DayOfCheck.objects.exists())

    def test_answering_all_clear_later_does_not_lift_the_hold(self):
        self.client.post(self.url, {"changed": "no", **post(fever=True)})
        self.client.post(self.url, {"changed": "no", **post()})
        appointment = self.refreshed()
        self.assertEqual((appointment.status, appointment.hold_code), ("held", HoldCode.DAY_OF))
        self.assertEqual(DayOfCheck.objects.filter(appointment=appointment).count(), 2)

    def test_someone_logged_in_as_another_client_cannot_answer(self):
        self.login(self.other_client_user)
        response = self.client.post(self.url, {"changed": "no", **post(fever=True)})
        self.assertContains(response, "This visit belongs to another account.")
        self.assertFalse(DayOfCheck.objects.exists())
        self.assertEqual(self.refreshed().status, Appointment.Status.BOOKED)

    def test_the_token_of_another_visit_answers_for_that_visit_only(self):
        other = make_appointment(
            self.other_client_profile,
            self.ava,
            self.service,
            self.room,
            TUESDAY_10 + timedelta(hours=2),
        )
        url = reverse("bookings:checkin", args=[other.checkin_token])
        self.client.post(url, {"changed": "no", **post(fever=True)})
        self.assertEqual(self.refreshed().status, Appointment.Status.BOOKED)
        other.refresh_from_db()
        self.assertEqual(other.hold_code, HoldCode.DAY_OF)

    def test_questions_are_not_asked_before_the_day_before(self):
        with time_machine.travel(utc(2026, 3, 1, 23, 59), tick=False):
            response = self.client.get(self.url)
            self.assertNotContains(response, "Do you have a fever today")
            self.assertContains(response, "From Monday 2 March this page also asks")
            # The health-change question still works on its own.
            self.assertRedirects(self.client.post(self.url, {"changed": "no"}), self.url)
        self.assertFalse(DayOfCheck.objects.exists())

    def test_the_link_closes_when_the_visit_starts(self):
        with time_machine.travel(TUESDAY_10, tick=False):
            response = self.client.post(self.url, {"changed": "no", **post(fever=True)})
        self.assertContains(response, "can no longer be checked in online")
        self.assertFalse(DayOfCheck.objects.exists())


class WindowTests(DayOfCase):
    def test_the_link_opens_at_the_start_of_the_local_day_before_across_a_dst_change(self):
        # Clocks go forward on Sunday 29 March 2026; the visit is Monday 10:00 BST.
        visit = make_appointment(
            self.client_profile, self.ava, self.service, self.room, utc(2026, 3, 30, 9, 0)
        )
        self.assertEqual(checks.link_opens_at(visit), utc(2026, 3, 29, 0, 0))  # 00:00 GMT
        autumn = make_appointment(
            self.client_profile, self.ava, self.service, self.room, utc(2026, 10, 26, 10, 0)
        )
        # Sunday 25 October starts at 00:00 BST, 23:00 UTC the evening before.
        self.assertEqual(checks.link_opens_at(autumn), utc(2026, 10, 24, 23, 0))
        self.assertFalse(checks.link_open(autumn, utc(2026, 10, 24, 22, 59)))
        self.assertTrue(checks.link_open(autumn, utc(2026, 10, 24, 23, 0)))

    def test_the_desk_may_ask_on_the_day_until_the_visit_ends(self):
        appointment = self.appointment
        self.assertFalse(checks.desk_open(appointment, utc(2026, 3, 2, 23, 59)))
        self.assertTrue(checks.desk_open(appointment, utc(2026, 3, 3, 0, 0)))
        self.assertTrue(checks.desk_open(appointment, TUESDAY_10 + timedelta(minutes=10)))
        self.assertFalse(checks.desk_open(appointment, appointment.end))
        appointment.cancel(by=self.front_desk_user)
        self.assertFalse(checks.desk_open(appointment, TUESDAY_0930))


@time_machine.travel(TUESDAY_0930, tick=False)
class DeskTests(DayOfCase):
    """On arrival: the desk asks (or hands the device over) and then sees only the result."""

    def setUp(self):
        super().setUp()
        # A client with no e-mail at all: the desk is the only road.
        self.walk_in = ClientProfile.objects.create(
            first_name="Walter", last_name="Walkin", phone="020 7946 0999"
        )
        self.walk_in.care_team.add(self.ava)
        with time_machine.travel(utc(2026, 2, 1, 9, 0), tick=False):
            make_intake(self.walk_in)
        self.walk_in_visit = make_appointment(
            self.walk_in, self.ava, self.service, self.room, TUESDAY_10 + timedelta(hours=2)
        )
        self.tomorrow = make_appointment(
            self.client_profile, self.ava, self.service, self.room, TUESDAY_10 + timedelta(days=1)
        )
        self.walk_in_url = reverse("bookings:desk_day_check", args=[self.walk_in_visit.pk])
        self.day_url = reverse("bookings:front_desk_day")
        self.login(self.front_desk_user)

    def test_the_day_offers_check_in_for_todays_open_visits_only(self):
        response = self.client.get(self.day_url)
        self.assertContains(response, f'href="{self.desk_url}"', html=False)
        self.assertContains(response, f'href="{self.walk_in_url}"', html=False)
        tomorrow_page = self.client.get(self.day_url, {"date": "2026-03-04"})
        tomorrow_url = reverse("bookings:desk_day_check", args=[self.tomorrow.pk])
        self.assertNotContains(tomorrow_page, tomorrow_url)
        self.assertContains(response, '<th scope="col">Day-of check</th>', html=False)

    def test_the_desk_form_asks_every_question(self):
        response = self.client.get(self.walk_in_url)
        self.assertContains(response, "Check in: Walter Walkin")
        self.assertContains(response, "Do you have a fever today")
        self.assertContains(response, "Hand the device to the client")

    def _desk_sees(self):
        page = self.client.get(self.day_url).content.decode()
        return page

    def test_all_clear_at_the_desk_shows_go_ahead_on_the_day(self):
        response = self.client.post(self.walk_in_url, post())
        self.assertContains(response, "Thank you: you are checked in.")
        self.assertContains(response, "Please hand this device back to the desk.")
        check = DayOfCheck.objects.get(appointment=self.walk_in_visit)
        self.assertEqual((check.via, check.answered_by), ("desk", self.front_desk_user))
        page = self._desk_sees()
        self.assertIn("Go ahead", page)
        self.assertIn("Ask again", page)

    def test_every_stop_reads_the_same_to_the_desk(self):
        words = {}
        for answer in ("fever", "injury", "calf", "red_flag"):
            visit = make_appointment(
                self.walk_in, self.ava, self.service, self.room, utc(2026, 3, 3, 14, 0)
            )
            self.client.post(
                reverse("bookings:desk_day_check", args=[visit.pk]),
                {**post(**{answer: True}), "note": f"NOTE-{answer}"},
            )
            visit.refresh_from_db()
            self.assertEqual(visit.hold_code, HoldCode.DAY_OF)
            page = self._desk_sees()
            row = page[page.index(f"/appointments/{visit.pk}/") :]
            row = row[: row.index("</tr>")]
            words[answer] = row.split("data-day-of>")[1].split("<a")[0].strip()
            # The day page and the appointment page never show an answer or a note.
            detail = self.client.get(
                reverse("bookings:appointment_detail", args=[visit.pk])
            ).content.decode()
            for text in (page, detail):
                self.assertNotIn(f"NOTE-{answer}", text)
                self.assertNotIn("Do you have a fever today", text)
                self.assertNotIn("painkillers", text.lower())
                self.assertNotIn("red flag", text.lower())
            self.assertIn(f"Day-of check:</strong> {SPEAK}.", detail)
            visit.cancel(by=self.front_desk_user, reason="test")
        self.assertEqual(len(set(words.values())), 1, words)
        self.assertEqual(words["fever"], SPEAK)

    def test_a_red_flag_at_the_desk_shows_the_client_the_urgent_care_guidance(self):
        response = self.client.post(self.walk_in_url, post(red_flag=True))
        self.assertContains(response, "Please get urgent medical care today.")
        self.assertContains(response, 'call <a href="tel:999"><strong>999</strong></a>', html=False)

    def test_a_missing_answer_at_the_desk_gets_a_message_and_records_nothing(self):
        data = post()
        del data["fever"]
        response = self.client.post(self.walk_in_url, data)
        self.assertContains(response, "Please answer yes or no.", status_code=400)
        self.assertFalse(DayOfCheck.objects.exists())

    def test_a_visit_on_another_day_is_not_checked_in_at_the_desk(self):
        url = reverse("bookings:desk_day_check", args=[self.tomorrow.pk])
        response = self.client.post(url, post(fever=True))
        self.assertContains(response, "only on its day")
        self.assertFalse(DayOfCheck.objects.exists())
        self.tomorrow.refresh_from_db()
        self.assertEqual(self.tomorrow.status, Appointment.Status.BOOKED)

    def test_clients_and_therapists_may_not_use_the_desk_road(self):
        for user in (self.client_user, self.ava.user):
            self.login(user)
            self.assertEqual(self.client.post(self.desk_url, post()).status_code, 403)
        self.assertFalse(DayOfCheck.objects.exists())

    def test_the_desk_cannot_lift_a_day_of_hold_the_therapist_can(self):
        self.client.post(self.walk_in_url, post(fever=True))
        release = reverse("bookings:release_hold", args=[self.walk_in_visit.pk])
        detail = reverse("bookings:appointment_detail", args=[self.walk_in_visit.pk])
        self.assertNotContains(self.client.get(detail), release)
        response = self.client.post(release, follow=True)
        self.assertContains(response, "Only the client&#x27;s therapist can lift this hold")
        self.walk_in_visit.refresh_from_db()
        self.assertEqual(self.walk_in_visit.hold_code, HoldCode.DAY_OF)

        self.login(self.ava.user)
        self.assertContains(self.client.get(detail), release)
        self.client.post(release)
        self.walk_in_visit.refresh_from_db()
        self.assertEqual(self.walk_in_visit.status, Appointment.Status.BOOKED)
        self.login(self.front_desk_user)
        page = self._desk_sees()
        row = page[page.index(f"/appointments/{self.walk_in_visit.pk}/") :]
        self.assertIn("Go ahead", row[: row.index("</tr>")])

    def test_a_stop_stays_with_the_therapist_when_another_hold_replaces_its_code(self):
        self.client.post(self.walk_in_url, post(calf=True))
        # The health form's re-check holds the visit under its own code meanwhile.
        self.walk_in_visit.refresh_from_db()
        self.walk_in_visit.hold(HoldCode.HEALTH_GATE)
        self.assertFalse(appointments.may_release_hold(self.front_desk_user, self.walk_in_visit))
        self.assertTrue(appointments.may_release_hold(self.ava.user, self.walk_in_visit))
        page = self._desk_sees()
        row = page[page.index(f"/appointments/{self.walk_in_visit.pk}/") :]
        self.assertIn(SPEAK, row[: row.index("</tr>")])

    def test_lifting_the_hold_clears_the_stop(self):
        self.client.post(self.walk_in_url, post(fever=True))
        appointments.release_hold(appointment=self.walk_in_visit, by=self.ava.user)
        check = DayOfCheck.objects.get(appointment=self.walk_in_visit)
        self.assertEqual((check.cleared_at, check.cleared_by), (TUESDAY_0930, self.ava.user))
        # A later hold of another kind is the desk's to lift again.
        self.walk_in_visit.refresh_from_db()
        self.walk_in_visit.hold(HoldCode.STAFF)
        self.assertTrue(appointments.may_release_hold(self.front_desk_user, self.walk_in_visit))

    def test_the_therapist_reads_the_answers_and_the_reading_is_logged(self):
        self.client.post(self.walk_in_url, {**post(injury=True), "note": "Twisted ankle Sunday"})
        self.login(self.ava.user)
        detail = reverse("bookings:appointment_detail", args=[self.walk_in_visit.pk])
        response = self.client.get(detail)
        self.assertContains(response, "Stop: speak to the client before the session")
        self.assertContains(
            response, "Injury in the last 72 hours: <strong>yes</strong>", html=False
        )
        self.assertContains(response, "In their words: Twisted ankle Sunday")
        self.assertTrue(
            HealthDataAccess.objects.filter(
                user=self.ava.user, client=self.walk_in, action="view", detail="visit checks"
            ).exists()
        )

    def test_a_therapist_who_does_not_treat_the_client_cannot_open_the_visit(self):
        self.client.post(self.walk_in_url, {**post(), "note": "Private words"})
        stranger = make_therapist("stan@example.com", location=self.location, first_name="Stan")
        self.login(stranger.user)
        detail = reverse("bookings:appointment_detail", args=[self.walk_in_visit.pk])
        self.assertEqual(self.client.get(detail).status_code, 404)
