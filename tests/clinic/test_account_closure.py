"""Closing an account: the client asks, an owner confirms, the data goes, the law's keep."""

from __future__ import annotations

import os
import smtplib
from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bookings.models import (
    AftercareCheck,
    Appointment,
    DayOfCheck,
    Reassessment,
    TreatmentPlan,
    Visit,
    VisitAmendment,
)
from clinic.closure import reference
from clinic.models import AccountEvent, ClientProfile, User
from intake.models import Clearance, HealthDataAccess, Intake
from tests.base import ClinicTestCase, make_user
from tests.clinic.privacy_data import MEDIA, fill_client, restore_documents

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
CLOSE = reverse("close_account")
REQUESTS = reverse("closure_requests")


def confirm_url(profile):
    return reverse("closure_confirm", args=[profile.public_id])


class ClientAsksToCloseTests(ClinicTestCase):
    def test_anonymous_users_are_sent_to_log_in(self):
        self.assertRedirects(self.client.get(CLOSE), f"{reverse('login')}?next={CLOSE}")

    def test_staff_have_no_account_of_a_client_to_close(self):
        self.login(self.front_desk_user)
        self.assertEqual(self.client.get(CLOSE).status_code, 404)

    def test_other_methods_are_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.put(CLOSE).status_code, 405)

    def test_the_page_says_what_is_deleted_and_what_is_kept_until_when(self):
        self.login(self.client_user)
        with time_machine.travel(NOW, tick=False):
            response = self.client.get(CLOSE)
        self.assertContains(response, "What we must keep")
        self.assertContains(response, "2 March 2036")  # ten years of accounting records
        self.assertContains(response, "2 March 2032")  # six years of the access log

    def test_without_the_confirmation_tick_nothing_is_asked(self):
        self.login(self.client_user)
        response = self.client.post(CLOSE, {})
        self.assertContains(response, "Tick the box to confirm")
        self.client_profile.refresh_from_db()
        self.assertIsNone(self.client_profile.closure_requested_at)
        self.assertFalse(AccountEvent.objects.exists())

    def test_the_request_is_recorded_once_without_health_details(self):
        self.login(self.client_user)
        response = self.client.post(CLOSE, {"understood": "on"})
        self.assertRedirects(response, CLOSE)
        self.client.post(CLOSE, {"understood": "on"})
        self.client_profile.refresh_from_db()
        self.assertIsNotNone(self.client_profile.closure_requested_at)
        event = AccountEvent.objects.get()
        self.assertEqual(event.action, AccountEvent.Action.CLOSURE_REQUESTED)
        self.assertEqual(event.target, self.client_user)
        self.assertEqual(event.detail, f"client {self.client_profile.public_id}")
        self.assertContains(self.client.get(CLOSE), "You asked to close your account")


@override_settings(MEDIA_ROOT=MEDIA)
class OwnerConfirmsTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.owner = make_user("owner@example.com", is_staff=True, is_superuser=True)
        with time_machine.travel(NOW, tick=False):
            cls.ann = fill_client(
                cls, cls.client_profile, marker="ANN-1", therapist=cls.therapist, room=cls.room
            )
            cls.olga = fill_client(
                cls,
                cls.other_client_profile,
                marker="OLGA-2",
                therapist=cls.therapist,
                room=cls.room,
                shift=3,
            )
        AccessAttempt.objects.create(
            username="client@example.com",
            ip_address="127.0.0.1",
            user_agent="test",
            http_accept="text/html",
            path_info="/accounts/login/",
            get_data="",
            post_data="",
            failures_since_start=1,
        )
        ClientProfile.objects.filter(pk=cls.client_profile.pk).update(closure_requested_at=NOW)

    def setUp(self):
        restore_documents()

    def confirm(self, profile=None):
        self.login(self.owner)
        with (
            time_machine.travel(NOW + timedelta(hours=1), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            return self.client.post(confirm_url(profile or self.client_profile))

    def test_only_owners_see_the_requests_and_confirm(self):
        self.assertEqual(self.client.get(REQUESTS).status_code, 302)
        for user in (self.client_user, self.therapist_user, self.front_desk_user, self.admin_user):
            self.login(user)
            self.assertEqual(self.client.get(REQUESTS).status_code, 403)
            self.assertEqual(self.client.post(confirm_url(self.client_profile)).status_code, 403)
        self.assertTrue(User.objects.filter(pk=self.client_user.pk).exists())
        self.login(self.owner)
        response = self.client.get(REQUESTS)
        self.assertContains(response, "Ann Client")
        self.assertNotContains(response, "Olga")
        self.assertEqual(self.client.get(confirm_url(self.client_profile)).status_code, 405)

    def test_a_closure_nobody_asked_for_is_refused_and_nothing_changes(self):
        response = self.confirm(self.other_client_profile)
        self.assertRedirects(response, REQUESTS)
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertEqual(messages, ["The client has not asked to close their account."])
        self.assertTrue(Intake.objects.filter(client=self.other_client_profile).exists())
        self.assertEqual(len(mail.outbox), 0)

    def test_the_client_is_told_at_the_confirmed_address_what_is_kept_why_and_until_when(self):
        self.confirm()
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["client@example.com"])
        self.assertIn("accounting records", message.body)
        self.assertIn("2 March 2036", message.body)
        self.assertIn("2 March 2032", message.body)
        self.assertIn("Your 1 upcoming appointment is cancelled", message.body)
        self.assertNotIn("ANN-1", message.body)

    def test_health_data_the_account_and_contact_details_are_erased(self):
        document = self.ann["clearance"].document.path
        self.assertTrue(os.path.exists(document))
        self.confirm()
        profile = ClientProfile.objects.get(pk=self.client_profile.pk)
        self.assertIsNotNone(profile.closed_at)
        self.assertEqual((profile.email, profile.phone, profile.email_confirmed), ("", "", ""))
        self.assertIsNone(profile.date_of_birth)
        self.assertIsNone(profile.user_id)
        self.assertFalse(User.objects.filter(pk=self.client_user.pk).exists())
        self.assertFalse(Intake.objects.filter(client=profile).exists())
        self.assertFalse(Clearance.objects.filter(intake__client_id=profile.pk).exists())
        self.assertFalse(os.path.exists(document))
        self.assertFalse(TreatmentPlan.objects.filter(client=profile).exists())
        self.assertFalse(Visit.objects.filter(appointment__client=profile).exists())
        for model in (VisitAmendment, Reassessment, DayOfCheck, AftercareCheck):
            field = (
                "visit__appointment__client" if model is VisitAmendment else "appointment__client"
            )
            self.assertFalse(model.objects.filter(**{field: profile}).exists(), model)
        self.assertFalse(profile.care_team.exists())
        self.assertEqual(profile.history.count(), 0)
        self.assertFalse(AccessAttempt.objects.filter(username="client@example.com").exists())
        jobs = DBTaskResult.objects.values_list("task_path", "args_kwargs")
        left = {(path, tuple(a["args"][:1])) for path, a in jobs}
        self.assertNotIn(("intake.tasks.send_decision_email", (self.ann["review"].pk,)), left)
        self.assertNotIn(("bookings.tasks.send_plan_message", (self.ann["plan"].pk,)), left)
        addresses = {a["kwargs"].get("to") for _path, a in jobs}
        self.assertNotIn("client@example.com", addresses)
        self.assertIn("other@example.com", addresses)

    def test_appointments_and_the_access_log_are_kept_without_health_details(self):
        self.confirm()
        profile = ClientProfile.objects.get(pk=self.client_profile.pk)
        self.assertEqual((profile.first_name, profile.last_name), ("Ann", "Client"))
        kept = Appointment.objects.filter(client=profile)
        self.assertEqual(kept.count(), 3)
        self.assertFalse(kept.exclude(cancel_reason="").exists())
        self.assertEqual(
            Appointment.objects.get(pk=self.ann["upcoming"].pk).status, Appointment.Status.CANCELLED
        )
        self.assertFalse(Appointment.history.filter(id__in=kept.values("pk")).exists())
        log = HealthDataAccess.objects.filter(client=profile)
        self.assertTrue(log.filter(user=self.therapist_user).exists())
        erased = log.get(user=self.owner)
        self.assertEqual(
            (erased.action, erased.detail), ("change", "health data erased: account closed")
        )
        self.assertFalse(log.filter(user_email="client@example.com").exists())
        self.assertEqual(profile.records_kept_until.isoformat(), "2036-03-02")
        self.assertEqual(profile.log_kept_until.isoformat(), "2032-03-02")

    def test_the_confirmation_and_erasure_are_logged_without_health_details_or_address(self):
        self.confirm()
        events = AccountEvent.objects.order_by("at", "pk")
        self.assertEqual(
            [e.action for e in events],
            [AccountEvent.Action.CLOSURE_CONFIRMED, AccountEvent.Action.DATA_ERASED],
        )
        ref = reference(self.client_profile)
        for event in events:
            self.assertEqual(event.target_email, ref)
            self.assertEqual(event.actor, self.owner)
            self.assertNotIn("ANN-1", event.detail)
            self.assertNotIn("client@example.com", event.detail)

    def test_a_closed_account_leaves_the_desk_list(self):
        self.confirm()
        self.login(self.front_desk_user)
        response = self.client.get(reverse("client_list"))
        self.assertNotContains(response, "Ann Client</a>")
        self.assertContains(response, "Olga Other</a>")

    def test_the_other_client_is_untouched(self):
        self.confirm()
        olga = ClientProfile.objects.get(pk=self.other_client_profile.pk)
        self.assertIsNone(olga.closed_at)
        self.assertEqual(Intake.objects.filter(client=olga).count(), 2)
        self.assertTrue(Visit.objects.filter(appointment__client=olga).exists())
        self.assertTrue(os.path.exists(self.olga["clearance"].document.path))
        self.assertTrue(User.objects.filter(pk=self.other_client_user.pk).exists())

    def test_when_the_notice_cannot_be_sent_nothing_is_erased(self):
        with mock.patch(
            "django.core.mail.EmailMultiAlternatives.send",
            side_effect=smtplib.SMTPException("down"),
        ):
            response = self.confirm()
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertIn("nothing was erased", messages[0])
        profile = ClientProfile.objects.get(pk=self.client_profile.pk)
        self.assertIsNone(profile.closed_at)
        self.assertEqual(Intake.objects.filter(client=profile).count(), 2)
        self.assertTrue(os.path.exists(self.ann["clearance"].document.path))
        self.assertFalse(AccountEvent.objects.exists())

    def test_confirming_twice_erases_once(self):
        self.confirm()
        response = self.confirm()
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertEqual(messages[-1], "This account is already closed.")
        self.assertEqual(len(mail.outbox), 1)

    @override_settings(CLOSURE_KEEP_NAME_ON_RECORDS=False)
    def test_the_name_goes_too_when_the_rule_says_so(self):
        self.confirm()
        profile = ClientProfile.objects.get(pk=self.client_profile.pk)
        self.assertEqual(profile.full_name, "Closed account")


@override_settings(MEDIA_ROOT=MEDIA)
class PurgeExpiredTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.owner = make_user("owner@example.com", is_staff=True, is_superuser=True)
        with time_machine.travel(NOW, tick=False):
            fill_client(
                cls, cls.client_profile, marker="ANN-1", therapist=cls.therapist, room=cls.room
            )
            fill_client(
                cls,
                cls.other_client_profile,
                marker="OLGA-2",
                therapist=cls.therapist,
                room=cls.room,
                shift=3,
            )

    def setUp(self):
        ClientProfile.objects.filter(pk=self.client_profile.pk).update(closure_requested_at=NOW)
        self.login(self.owner)
        with (
            time_machine.travel(NOW, tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.client.post(confirm_url(self.client_profile))

    def purge(self, when):
        out = StringIO()
        with time_machine.travel(when, tick=False):
            call_command("purge_expired", stdout=out)
        return out.getvalue()

    def kept(self):
        pk = self.client_profile.pk
        return (
            Appointment.objects.filter(client_id=pk).count(),
            HealthDataAccess.objects.filter(client_id=pk).count(),
            ClientProfile.objects.filter(pk=pk).exists(),
        )

    def test_nothing_goes_before_its_period_ends(self):
        before = self.kept()
        self.assertEqual(before[0], 3)
        self.assertGreater(before[1], 0)
        self.purge(datetime(2032, 3, 1, 12, tzinfo=ZoneInfo("Europe/London")))
        self.assertEqual(self.kept(), before)

    def test_the_access_log_goes_after_its_period_and_the_records_after_theirs(self):
        appointments, _, _ = self.kept()
        out = self.purge(datetime(2032, 3, 2, 12, tzinfo=ZoneInfo("Europe/London")))
        self.assertEqual(self.kept(), (appointments, 0, True))
        self.assertIn("0 appointment(s)", out)
        self.purge(datetime(2036, 3, 2, 12, tzinfo=ZoneInfo("Europe/London")))
        self.assertEqual(self.kept(), (0, 0, False))
        purged = AccountEvent.objects.filter(action=AccountEvent.Action.RECORDS_PURGED)
        self.assertEqual(purged.count(), 2)
        self.assertEqual(
            set(purged.values_list("target_email", flat=True)), {reference(self.client_profile)}
        )

    def test_running_it_again_changes_nothing(self):
        late = datetime(2040, 1, 1, 12, tzinfo=ZoneInfo("Europe/London"))
        self.purge(late)
        events = AccountEvent.objects.count()
        out = self.purge(late)
        self.assertIn("Purged 0 appointment(s), 0 access-log row(s) and 0 closed profile(s)", out)
        self.assertEqual(AccountEvent.objects.count(), events)

    def test_other_clients_are_never_purged(self):
        olga = self.other_client_profile.pk
        before = Appointment.objects.filter(client_id=olga).count()
        self.purge(datetime(2040, 1, 1, 12, tzinfo=ZoneInfo("Europe/London")))
        self.assertEqual(Appointment.objects.filter(client_id=olga).count(), before)
        self.assertTrue(Intake.objects.filter(client_id=olga).exists())
