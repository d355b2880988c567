"""Every input the admin renders has an accessible name (clinic.adminhelpers.AccessibleAdmin).

The browser walk (tests/e2e/test_accessibility.py) runs axe-core on every admin page; these
tests pin the server-side part quickly: the cells of tabular inlines and of editable
changelists, and the halves of split date-time fields, are named, and no input points
``aria-describedby`` at an element the page does not have.
"""

from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.urls import reverse

from clinic.adminhelpers import AccessibleAdmin
from clinic.models import Room, TimeOff, User, WorkingHours
from tests.base import ClinicTestCase, make_service


class Inputs(HTMLParser):
    """The form controls of a page, the ids it has, and the ids its labels point at."""

    def __init__(self):
        super().__init__()
        self.controls, self.ids, self.labelled = [], set(), set()
        self.in_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "label":
            self.in_label += 1
            if attrs.get("for"):
                self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden",
            "submit",
            "button",
        ):
            attrs["in_label"] = self.in_label > 0
            self.controls.append(attrs)

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1


def read(html):
    parser = Inputs()
    parser.feed(html)
    return parser


class AccessibleAdminTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.owner = User.objects.create_superuser("owner@example.com", "owner-password-123")
        cls.service = make_service()
        cls.service.rooms.add(cls.room)
        Room.objects.create(location=cls.location, name="Room 2")
        start = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/London"))
        WorkingHours.objects.create(
            therapist=cls.therapist,
            location=cls.location,
            weekday=0,
            start_time=start.time(),
            end_time=start.replace(hour=17).time(),
        )
        TimeOff.objects.create(
            therapist=cls.therapist, start=start, end=start.replace(hour=17), reason="Course"
        )

    def setUp(self):
        self.login(self.owner)

    def unnamed(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        page = read(response.content.decode())
        missing = [
            c.get("name")
            for c in page.controls
            if not (c.get("aria-label") or c.get("aria-labelledby") or c["in_label"])
            and c.get("id") not in page.labelled
            and "__prefix__" not in (c.get("name") or "")
        ]
        dangling = [
            (c.get("name"), i)
            for c in page.controls
            for i in (c.get("aria-describedby") or "").split()
            if i not in page.ids
        ]
        return page, missing, dangling

    def test_every_model_admin_of_ours_names_its_inputs(self):
        ours = ("clinic", "intake", "bookings", "library")
        plain = [
            type(model_admin).__name__
            for model_admin in admin.site._registry.values()
            if type(model_admin).__module__.split(".")[0] in ours
            and not isinstance(model_admin, AccessibleAdmin)
        ]
        self.assertEqual(plain, [], "base these on clinic.adminhelpers.AccessibleAdmin")

    def test_working_hours_and_time_off_rows_are_named_by_column_and_row(self):
        url = reverse("admin:clinic_therapist_change", args=[self.therapist.pk])
        page, missing, dangling = self.unnamed(url)
        self.assertEqual((missing, dangling), ([], []))
        labels = {c.get("name"): c.get("aria-label") for c in page.controls}
        hours, time_off = self.therapist.working_hours.get(), self.therapist.time_off.get()
        self.assertEqual(labels["working_hours-0-location"], f"Location, {hours}")
        self.assertEqual(labels["time_off-0-start_0"], f"Start: date, {time_off}")
        self.assertEqual(labels["time_off-0-start_1"], f"Start: time, {time_off}")
        self.assertEqual(labels["time_off-0-DELETE"], f"Delete, {time_off}")

    def test_editable_changelist_cells_name_their_row(self):
        page, missing, dangling = self.unnamed(reverse("admin:clinic_service_changelist"))
        self.assertEqual((missing, dangling), ([], []))
        labels = [
            c.get("aria-label") for c in page.controls if c.get("name", "").endswith("-active")
        ]
        self.assertEqual(labels, [f"Active, {self.service}"])

    def test_split_date_and_time_fields_name_both_halves(self):
        page, missing, dangling = self.unnamed(reverse("admin:clinic_timeoff_add"))
        self.assertEqual((missing, dangling), ([], []))
        labels = {c.get("name"): c.get("aria-label") for c in page.controls}
        self.assertEqual((labels["start_0"], labels["start_1"]), ("Start: date", "Start: time"))

    def test_location_rooms_inline_and_autocomplete_pages_are_named(self):
        for url in (
            reverse("admin:clinic_location_change", args=[self.location.pk]),
            reverse("admin:clinic_therapist_add"),
            reverse("admin:clinic_clientprofile_add"),
            reverse("admin:clinic_user_change", args=[self.owner.pk]),
        ):
            with self.subTest(url=url):
                _page, missing, dangling = self.unnamed(url)
                self.assertEqual((missing, dangling), ([], []))

    def test_the_autocomplete_select_always_starts_with_an_empty_choice_that_has_text(self):
        html = self.client.get(reverse("admin:clinic_therapist_add")).content.decode()
        self.assertRegex(
            html,
            r'<select name="user" required id="id_user"[^>]*>\s*<option value="">Choose one</option>\s*</select>',
        )
        html = self.client.get(
            reverse("admin:clinic_clientprofile_change", args=[self.client_profile.pk])
        ).content.decode()
        self.assertRegex(html, r'<option value="">None</option>\s*<option value="\d+" selected>')
