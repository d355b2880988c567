"""The availability engine at its edges: overlapping timetables, far-off zones, bad
durations, therapists who may not be booked, and the queries each call costs."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import ValidationError

from bookings.availability import (
    free_slots,
    nearest_free_slots,
    next_free_slot,
    slots_by_therapist,
)
from clinic.models import WorkingHours
from tests.base import ClinicTestCase, make_location, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc

MONDAY = date(2026, 3, 2)


def hours(slots):
    return [slot.strftime("%H:%M") for slot in slots]


@time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False)
class OverlappingHoursTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist(
            "ava@example.com", location=cls.location, hours=[(0, "09:00", "13:00")]
        )
        cls.old = WorkingHours.objects.get(therapist=cls.ava)

    def new_row(self, **fields):
        values = {
            "therapist": self.ava,
            "location": self.location,
            "weekday": 0,
            "start_time": time(11, 0),
            "end_time": time(15, 0),
            "valid_from": date(2026, 3, 1),
        }
        values.update(fields)
        return WorkingHours(**values)

    def test_an_open_old_row_and_a_new_row_from_a_later_date_are_refused(self):
        with self.assertRaises(ValidationError) as refused:
            self.new_row().full_clean()
        self.assertIn("overlaps Monday 09:00–13:00", str(refused.exception))
        self.assertEqual(refused.exception.error_dict["__all__"][0].code, "overlapping_hours")

    def test_rows_that_follow_each_other_are_accepted(self):
        self.old.valid_until = date(2026, 2, 28)
        self.old.save()
        self.new_row().full_clean()  # from 1 March: no overlap
        self.new_row(valid_from=None, start_time=time(13, 0), end_time=time(17, 0)).full_clean()
        self.new_row(weekday=1, valid_from=None).full_clean()

    def test_a_row_at_another_location_at_the_same_time_is_refused_too(self):
        elsewhere = make_location("Elsewhere")
        with self.assertRaises(ValidationError):
            self.new_row(location=elsewhere, valid_from=None).full_clean()

    def test_overlapping_rows_already_saved_never_offer_a_start_twice(self):
        self.new_row(valid_from=None).save()  # straight to the table, as an old row could be
        slots = free_slots(self.ava, self.service, start=MONDAY, end=MONDAY)
        self.assertEqual(len(slots), len(set(slots)))
        self.assertEqual(
            hours(slots),
            [
                "09:00",
                "09:30",
                "10:00",
                "10:30",
                "11:00",
                "11:30",
                "12:00",
                "12:30",
                "13:00",
                "13:30",
            ],
        )
        found = slots_by_therapist([self.ava], self.service, MONDAY, MONDAY)[self.ava]
        self.assertEqual(len(found), len({slot.at for slot in found}))


@time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False)
class FarZoneTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.auckland = make_location("Auckland", time_zone="Pacific/Auckland")
        cls.room_nz = cls.auckland.rooms.create(name="Kauri")
        cls.service = make_service()
        # Works Fridays and Wednesdays only (Auckland time).
        cls.kiri = make_therapist(
            "kiri@example.com",
            location=cls.auckland,
            hours=[(4, "09:00", "10:15"), (2, "09:00", "10:15")],
        )

    def test_nearest_free_times_use_the_locations_date_not_the_utc_date(self):
        zone = ZoneInfo("Pacific/Auckland")
        wanted = datetime(2026, 3, 9, 9, 0, tzinfo=zone)  # Monday; Sunday 20:00 in UTC
        found = nearest_free_slots(self.kiri, self.service, wanted, limit=10)
        # Within two days of Monday in Auckland: Saturday to Wednesday. Friday (three
        # days before) is not offered; Wednesday is.
        self.assertEqual(
            [slot.astimezone(zone) for slot in found], [datetime(2026, 3, 11, 9, 0, tzinfo=zone)]
        )

    def test_next_free_time_in_a_zone_ahead_of_utc(self):
        zone = ZoneInfo("Pacific/Auckland")
        therapist, start = next_free_slot(self.service)
        self.assertEqual(therapist, self.kiri)
        self.assertEqual(start, datetime(2026, 3, 4, 9, 0, tzinfo=zone))  # Wednesday

    def test_next_free_time_across_zones_takes_the_earliest_instant(self):
        # Lou works Wednesday 21:00 in London (UTC in March); Tane works Thursday 09:00
        # in Auckland, which is Wednesday 20:00 UTC: a later local day, but sooner.
        lou = make_therapist(
            "lou@example.com", location=self.location, hours=[(2, "21:00", "22:15")]
        )
        tane = make_therapist(
            "tane@example.com", location=self.auckland, hours=[(3, "09:00", "10:15")]
        )
        therapist, start = next_free_slot(self.service, therapists=[lou, tane])
        self.assertEqual(therapist, tane)
        self.assertEqual(start, utc(2026, 3, 4, 20, 0))


@time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False)
class RefusalTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist(
            "ava@example.com", location=cls.location, hours=[(0, "09:00", "13:00")]
        )

    def test_a_duration_of_zero_or_less_is_refused_not_replaced_by_the_service_length(self):
        for bad in (0, -30, True, 12.5):
            with (
                self.subTest(duration=bad),
                self.assertRaisesMessage(
                    ValueError, "duration must be a positive number of minutes"
                ),
            ):
                free_slots(self.ava, self.service, start=MONDAY, end=MONDAY, duration=bad)

    def test_an_inactive_therapist_has_no_free_time(self):
        self.assertTrue(free_slots(self.ava, self.service, start=MONDAY, end=MONDAY))
        self.ava.active = False
        self.ava.save(update_fields=["active"])
        self.assertEqual(free_slots(self.ava, self.service, start=MONDAY, end=MONDAY), [])

    def test_a_therapist_whose_account_is_off_has_no_free_time(self):
        self.ava.user.is_active = False
        self.ava.user.save(update_fields=["is_active"])
        self.assertEqual(free_slots(self.ava, self.service, start=MONDAY, end=MONDAY), [])

    def test_a_therapist_who_does_not_offer_the_service_has_no_free_time_for_it(self):
        hot_stones = make_service("Hot stones", technique="sports")
        self.assertEqual(free_slots(self.ava, hot_stones, start=MONDAY, end=MONDAY), [])
        self.assertIsNone(next_free_slot(hot_stones, therapists=[self.ava]))


@time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False)
class QueryCountTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist(
            "ava@example.com",
            location=cls.location,
            hours=[(d, "09:00", "17:00") for d in range(5)],
        )
        cls.ben = make_therapist(
            "ben@example.com",
            location=cls.location,
            hours=[(d, "09:00", "17:00") for d in range(5)],
        )
        for day in range(5):
            make_appointment(
                cls.client_profile, cls.ava, cls.service, cls.room, utc(2026, 3, 2 + day, 9)
            )

    def test_one_day_for_a_held_therapist_and_service_is_two_queries(self):
        with self.assertNumQueries(2):
            slots = free_slots(self.ava, self.service, start=MONDAY, end=MONDAY)
        self.assertEqual(hours(slots)[:2], ["10:30", "11:00"])

    def test_a_day_for_several_therapists_is_two_queries(self):
        with self.assertNumQueries(2):
            found = slots_by_therapist([self.ava, self.ben], self.service, MONDAY, MONDAY)
        # One room: Ava's 09:00 booking holds it, so Ben's day starts after it too.
        self.assertEqual(hours([found[self.ben][0].start]), ["10:30"])
        self.assertEqual(len(found[self.ava]), len(found[self.ben]))

    def test_four_weeks_cost_what_one_day_costs(self):
        with self.assertNumQueries(2):
            free_slots(self.ava, self.service, start=MONDAY, end=MONDAY + timedelta(days=27))

    def test_an_inactive_therapist_is_one_query(self):
        self.ava.active = False
        self.ava.save(update_fields=["active"])
        with self.assertNumQueries(1):
            self.assertEqual(free_slots(self.ava, self.service, start=MONDAY, end=MONDAY), [])

    def test_next_free_time_on_the_first_day_with_the_therapists_held_is_two_queries(self):
        with self.assertNumQueries(2):
            found = next_free_slot(
                self.service, after=utc(2026, 3, 2, 8, 0), therapists=[self.ava, self.ben]
            )
        # The one room is taken at 09:00; Ava (the lower id) wins the tie at 10:30.
        self.assertEqual(found, (self.ava, utc(2026, 3, 2, 10, 30)))
