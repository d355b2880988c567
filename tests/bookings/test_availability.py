from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from bookings.availability import free_slots, nearest_free_slots, next_free_slot
from clinic.models import Closure, Room, TimeOff, WorkingHours
from tests.base import ClinicTestCase, make_location, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc

MONDAY = date(2026, 3, 2)  # GMT: local time equals UTC


def hours(slots):
    return [slot.strftime("%H:%M") for slot in slots]


@time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False)
class FreeSlotsTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()  # 60 minutes + 15 minutes buffer
        cls.ava = make_therapist(
            "ava@example.com", location=cls.location, hours=[(0, "09:00", "13:00")]
        )

    def slots(self, day=MONDAY, **options):
        return hours(free_slots(self.ava, self.service, start=day, end=day, **options))

    def test_slots_start_at_the_block_start_and_every_step_while_the_span_fits(self):
        self.assertEqual(self.slots(), ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"])

    def test_results_are_aware_datetimes_in_the_location_zone(self):
        first = free_slots(self.ava, self.service, start=MONDAY, end=MONDAY)[0]
        self.assertEqual(str(first.tzinfo), "Europe/London")
        self.assertEqual(first, utc(2026, 3, 2, 9, 0))

    def test_an_appointment_and_both_buffers_block_the_time_around_it(self):
        make_appointment(
            self.client_profile, self.ava, self.service, self.room, utc(2026, 3, 2, 10, 0)
        )
        # Taken 10:00-11:15 (with its buffer); a new visit needs 75 minutes clear.
        self.assertEqual(self.slots(), ["11:30"])

    def test_cancelled_appointments_free_their_time(self):
        make_appointment(
            self.client_profile,
            self.ava,
            self.service,
            self.room,
            utc(2026, 3, 2, 10, 0),
            status="cancelled",
        )
        self.assertEqual(len(self.slots()), 6)

    def test_time_off_blocks_its_hours(self):
        TimeOff.objects.create(
            therapist=self.ava, start=utc(2026, 3, 2, 9, 0), end=utc(2026, 3, 2, 10, 30)
        )
        self.assertEqual(self.slots(), ["10:30", "11:00", "11:30"])

    def test_a_closed_day_has_no_slots(self):
        Closure.objects.create(location=self.location, start_date=MONDAY, end_date=MONDAY)
        self.assertEqual(self.slots(), [])
        self.assertEqual(len(self.slots(day=MONDAY + timedelta(days=7))), 6)

    def test_a_new_timetable_takes_over_from_its_valid_from_date(self):
        WorkingHours.objects.filter(therapist=self.ava).update(valid_until=MONDAY)
        WorkingHours.objects.create(
            therapist=self.ava,
            location=self.location,
            weekday=0,
            start_time=time(14, 0),
            end_time=time(16, 0),
            valid_from=MONDAY + timedelta(days=1),
        )
        self.assertEqual(self.slots()[0], "09:00")
        self.assertEqual(self.slots(day=MONDAY + timedelta(days=7)), ["14:00", "14:30"])

    def test_minimum_notice_hides_starts_too_soon(self):
        self.location.min_notice_hours = 2
        self.location.save()
        with time_machine.travel(utc(2026, 3, 2, 9, 10), tick=False):
            self.assertEqual(self.slots(), ["11:30"])
            self.assertEqual(
                self.slots(notice=False), ["09:30", "10:00", "10:30", "11:00", "11:30"]
            )

    def test_the_booking_horizon_hides_starts_too_far_ahead(self):
        self.location.booking_horizon_days = 1
        self.location.save()
        with time_machine.travel(utc(2026, 3, 1, 10, 0), tick=False):
            self.assertEqual(self.slots(), ["09:00", "09:30", "10:00"])

    def test_a_service_longer_than_the_slot_step_still_starts_every_step(self):
        long = make_service("Long massage", minutes=90)
        slots = free_slots(self.ava, long, start=MONDAY, end=MONDAY)
        self.assertEqual(hours(slots), ["09:00", "09:30", "10:00", "10:30", "11:00"])

    def test_the_duration_option_overrides_the_service_length(self):
        slots = free_slots(self.ava, self.service, start=MONDAY, end=MONDAY, duration=30)
        self.assertEqual(hours(slots)[-1], "12:00")

    def test_no_slots_when_every_suitable_room_is_taken(self):
        other = make_therapist("ben@example.com", location=self.location)
        make_appointment(
            self.other_client_profile,
            other,
            self.service,
            self.room,
            utc(2026, 3, 2, 9, 0),
            minutes=240,
        )
        self.assertEqual(self.slots(), [])

    def test_a_second_room_keeps_the_therapist_bookable(self):
        Room.objects.create(location=self.location, name="Room 2")
        other = make_therapist("ben@example.com", location=self.location)
        make_appointment(
            self.other_client_profile,
            other,
            self.service,
            self.room,
            utc(2026, 3, 2, 9, 0),
            minutes=240,
        )
        self.assertEqual(len(self.slots()), 6)

    def test_a_service_with_its_own_rooms_uses_only_those(self):
        equipped = Room.objects.create(location=self.location, name="Room 2")
        self.service.rooms.add(equipped)
        make_appointment(
            self.other_client_profile,
            make_therapist("ben@example.com", location=self.location),
            self.service,
            equipped,
            utc(2026, 3, 2, 9, 0),
            minutes=240,
        )
        self.assertEqual(self.slots(), [])

    def test_the_therapists_appointments_at_another_location_count(self):
        elsewhere = make_location("Elsewhere")
        room = Room.objects.create(location=elsewhere, name="Far room")
        make_appointment(self.client_profile, self.ava, self.service, room, utc(2026, 3, 2, 9, 0))
        self.assertEqual(self.slots(), ["10:30", "11:00", "11:30"])

    def test_query_count_is_the_same_for_one_day_and_four_weeks(self):
        for week in range(4):
            make_appointment(
                self.client_profile,
                self.ava,
                self.service,
                self.room,
                utc(2026, 3, 2 + 7 * week, 9),
            )
        # Working hours (with locations and whether Ava offers the service), then busy
        # time (bookings, time off, closures and rooms in one UNION ALL).
        with self.assertNumQueries(2):
            free_slots(self.ava, self.service, start=MONDAY, end=MONDAY)
        with self.assertNumQueries(2):
            slots = free_slots(self.ava, self.service, start=MONDAY, end=MONDAY + timedelta(27))
        # Taken until 10:15 each Monday; starts fall on the 30-minute step.
        self.assertEqual(hours(slots), ["10:30", "11:00", "11:30"] * 4)


@time_machine.travel(utc(2026, 3, 20, 8, 0), tick=False)
class DaylightSavingTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service(minutes=30, buffer=0)
        cls.ava = make_therapist(
            "ava@example.com",
            location=cls.location,
            hours=[(0, "10:00", "11:00"), (6, "00:30", "03:00")],
        )

    def test_a_ten_oclock_block_stays_at_ten_local_after_clocks_go_forward(self):
        before = free_slots(self.ava, self.service, start=date(2026, 3, 23), end=date(2026, 3, 23))
        after = free_slots(self.ava, self.service, start=date(2026, 3, 30), end=date(2026, 3, 30))
        self.assertEqual(hours(before), ["10:00", "10:30"])
        self.assertEqual(hours(after), ["10:00", "10:30"])
        self.assertEqual(before[0], utc(2026, 3, 23, 10, 0))
        self.assertEqual(after[0], utc(2026, 3, 30, 9, 0))

    def test_wall_clock_times_skipped_by_the_spring_change_are_never_offered(self):
        day = date(2026, 3, 29)  # 01:00 GMT becomes 02:00 BST
        slots = free_slots(self.ava, self.service, start=day, end=day)
        self.assertEqual(hours(slots), ["00:30", "02:00", "02:30"])

    def test_a_ten_oclock_block_stays_at_ten_local_after_clocks_go_back(self):
        with time_machine.travel(utc(2026, 10, 15, 8, 0), tick=False):
            before = free_slots(
                self.ava, self.service, start=date(2026, 10, 19), end=date(2026, 10, 19)
            )
            after = free_slots(
                self.ava, self.service, start=date(2026, 10, 26), end=date(2026, 10, 26)
            )
        self.assertEqual(before[0], utc(2026, 10, 19, 9, 0))
        self.assertEqual(after[0], utc(2026, 10, 26, 10, 0))

    def test_the_repeated_autumn_hour_uses_its_first_occurrence(self):
        with time_machine.travel(utc(2026, 10, 15, 8, 0), tick=False):
            day = date(2026, 10, 25)  # 02:00 BST becomes 01:00 GMT
            slots = free_slots(self.ava, self.service, start=day, end=day)
        self.assertEqual(hours(slots)[:3], ["00:30", "01:00", "01:30"])
        self.assertEqual(slots[1].astimezone(UTC), utc(2026, 10, 25, 0, 0))


@time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False)
class NextAndNearestTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.room_2 = Room.objects.create(location=cls.location, name="Room 2")
        cls.service = make_service()
        cls.ava = make_therapist(
            "ava@example.com", location=cls.location, hours=[(0, "09:00", "10:15")]
        )
        cls.ben = make_therapist(
            "ben@example.com", location=cls.location, hours=[(0, "09:00", "10:15")]
        )

    def test_next_free_slot_skips_a_fully_booked_therapist(self):
        make_appointment(
            self.client_profile, self.ava, self.service, self.room, utc(2026, 3, 2, 9, 0)
        )
        therapist, start = next_free_slot(self.service)
        self.assertEqual((therapist, start), (self.ben, utc(2026, 3, 2, 9, 0)))

    def test_next_free_slot_searches_past_fully_booked_weeks(self):
        for week in range(3):
            for therapist, room in ((self.ava, self.room), (self.ben, self.room_2)):
                make_appointment(
                    self.client_profile if therapist == self.ava else self.other_client_profile,
                    therapist,
                    self.service,
                    room,
                    utc(2026, 3, 2 + 7 * week, 9, 0),
                )
        # Working hours, then busy time for windows of 2, 8 and 32 days from the day
        # before (28 Feb to 10 Apr; found on 23 Mar), then the therapist found.
        with self.assertNumQueries(5):
            therapist, start = next_free_slot(self.service)
        self.assertEqual((therapist, start), (self.ava, utc(2026, 3, 23, 9, 0)))
        with self.assertNumQueries(4):
            found = next_free_slot(self.service, therapists=[self.ben])
        self.assertEqual(found, (self.ben, utc(2026, 3, 23, 9, 0)))

    def test_next_free_slot_costs_one_query_per_further_window_whatever_the_bookings(self):
        # Five Mondays fully booked: windows of 2 and 8 days have nothing, so one more
        # query reads the next 32 days (the clocks go forward on 29 March).
        london = ZoneInfo("Europe/London")
        for week in range(5):
            nine = datetime.combine(MONDAY + timedelta(weeks=week), time(9, 0), tzinfo=london)
            for therapist, room in ((self.ava, self.room), (self.ben, self.room_2)):
                make_appointment(
                    self.client_profile if therapist == self.ava else self.other_client_profile,
                    therapist,
                    self.service,
                    room,
                    nine.astimezone(UTC),
                )
        with self.assertNumQueries(5):
            therapist, start = next_free_slot(self.service)
        self.assertEqual((therapist, start), (self.ava, utc(2026, 4, 6, 8, 0)))

    def test_next_free_slot_skips_inactive_therapists_and_those_not_offering_the_service(self):
        self.ava.active = False
        self.ava.save(update_fields=["active"])
        self.ben.techniques.clear()
        cleo = make_therapist(
            "cleo@example.com", location=self.location, hours=[(1, "09:00", "10:15")]
        )
        self.assertEqual(next_free_slot(self.service), (cleo, utc(2026, 3, 3, 9, 0)))

    def test_next_free_slot_is_none_without_therapists(self):
        nobody = make_service("Hot stones", technique="sports")
        self.assertIsNone(next_free_slot(nobody))

    def test_nearest_free_slots_put_the_closest_first_and_the_earlier_on_a_tie(self):
        self.location.slot_step_minutes = 15
        self.location.save()
        wanted = utc(2026, 3, 2, 9, 7, 30)  # equally far from 09:00 and 09:15
        found = nearest_free_slots(self.ava, self.service, wanted, limit=2, duration=30)
        self.assertEqual(found, [utc(2026, 3, 2, 9, 0), utc(2026, 3, 2, 9, 15)])
