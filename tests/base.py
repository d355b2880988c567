"""Shared personas and builders for the test suite.

``ClinicTestCase`` gives every test class the same cast, made once per class:
``client_user`` (a client with a profile), ``other_client_user``, ``therapist_user``
(with a Therapist row), ``front_desk_user`` and ``admin_user`` (Clinic admin, staff).
"""

from datetime import time
from decimal import Decimal

from django.contrib.auth.models import Group
from django.test import TestCase

from clinic.models import (
    ClientProfile,
    Location,
    Role,
    Room,
    Service,
    Technique,
    Therapist,
    User,
    WorkingHours,
)

PASSWORD = "a-long-test-password-42"


def make_user(email, role=None, *, first_name="Test", last_name="Person", **extra):
    user = User.objects.create_user(
        email, PASSWORD, first_name=first_name, last_name=last_name, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_client(email="client@example.com", *, first_name="Ann", last_name="Client", **profile):
    user = make_user(email, Role.CLIENT, first_name=first_name, last_name=last_name)
    profile.setdefault("phone", "020 7946 0000")
    ClientProfile.objects.create(
        user=user, first_name=first_name, last_name=last_name, email=email, **profile
    )
    return user


def make_location(name="Test Clinic", **fields):
    defaults = {
        "address": "1 Test Street",
        "phone": "020 7946 0001",
        "time_zone": "Europe/London",
        "slot_step_minutes": 30,
        "min_notice_hours": 0,
        "booking_horizon_days": 365,
        "cancellation_cutoff_hours": 24,
    }
    defaults.update(fields)
    return Location.objects.create(name=name, **defaults)


def make_service(name="Swedish massage", technique="swedish", *, minutes=60, buffer=15, **fields):
    return Service.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        technique=Technique.objects.get(code=technique),
        duration_minutes=minutes,
        buffer_minutes=buffer,
        price=fields.pop("price", Decimal("50.00")),
        **fields,
    )


def make_therapist(
    email="therapist@example.com",
    *,
    location=None,
    techniques=("swedish",),
    hours=(),
    first_name="Theo",
    last_name="Therapist",
):
    """``hours``: (weekday, "09:00", "17:00") tuples at ``location``."""
    user = make_user(email, Role.THERAPIST, first_name=first_name, last_name=last_name)
    therapist = Therapist.objects.create(user=user)
    therapist.techniques.set(Technique.objects.filter(code__in=techniques))
    if location:
        therapist.locations.add(location)
        for weekday, start, end in hours:
            WorkingHours.objects.create(
                therapist=therapist,
                location=location,
                weekday=weekday,
                start_time=time.fromisoformat(start),
                end_time=time.fromisoformat(end),
            )
    return therapist


class ClinicTestCase(TestCase):
    """A TestCase with the shared cast and a small clinic."""

    @classmethod
    def setUpTestData(cls):
        cls.location = make_location()
        cls.room = Room.objects.create(location=cls.location, name="Room 1")
        cls.client_user = make_client("client@example.com", first_name="Ann", last_name="Client")
        cls.client_profile = cls.client_user.client_profile
        cls.other_client_user = make_client(
            "other@example.com", first_name="Olga", last_name="Other"
        )
        cls.other_client_profile = cls.other_client_user.client_profile
        cls.therapist = make_therapist("therapist@example.com", location=cls.location)
        cls.therapist_user = cls.therapist.user
        cls.front_desk_user = make_user("desk@example.com", Role.FRONT_DESK, first_name="Fran")
        cls.admin_user = make_user(
            "admin@example.com", Role.CLINIC_ADMIN, first_name="Ada", is_staff=True
        )

    def login(self, user):
        self.client.force_login(user)
