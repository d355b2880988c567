"""The demo clinic that `manage.py seed_demo` creates. Idempotent: a second run changes nothing."""

from base64 import b32decode
from datetime import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

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

DEMO_PASSWORD = "demo-clinic-2026"
# The demo staff accounts' two-step secret (base32, as authenticator apps take it): add it
# to an app, or get the current code with
#   python -c "import pyotp; print(pyotp.TOTP('DEMOCLINICTWOSTEPDEMOCLINICTWOST').now())"
# Public, like the password: the demo is made only in debug.
DEMO_TOTP_SECRET = "DEMOCLINICTWOSTEPDEMOCLINICTWOST"

LOCATION = {
    "name": "Back in Balance Clinic",
    "address": "12 Canal Street\nLondon N1 9AA",
    "phone": "020 7946 0018",
    "email": "hello@example.com",
    "time_zone": "Europe/London",
}
ROOMS = ["Room 1", "Room 2", "Room 3"]

SERVICES = [
    (
        "Swedish massage",
        "swedish-massage",
        "swedish",
        60,
        Decimal("55.00"),
        "Long, flowing strokes with light to medium pressure. A gentle start, good for stress and for anyone new to massage.",
    ),
    (
        "Deep tissue massage",
        "deep-tissue-massage",
        "deep_tissue",
        60,
        Decimal("65.00"),
        "Slow, firm pressure on the deeper layers of muscle, often chosen for long-standing back pain.",
    ),
    (
        "Trigger point therapy",
        "trigger-point-therapy",
        "trigger_point",
        60,
        Decimal("65.00"),
        "Steady pressure on tight, tender knots that can send pain elsewhere, such as down a leg.",
    ),
    (
        "Myofascial release",
        "myofascial-release",
        "myofascial",
        60,
        Decimal("65.00"),
        "Gentle, sustained stretching of the tissue around the muscles to ease stiffness.",
    ),
    (
        "Sports massage",
        "sports-massage",
        "sports",
        60,
        Decimal("60.00"),
        "Work on the muscles you train with: recovery, flexibility and keeping niggles at bay.",
    ),
    (
        "Reassessment visit",
        "reassessment-visit",
        "swedish",
        30,
        Decimal("35.00"),
        "A shorter visit at the end of a course: we check your progress and plan what comes next.",
    ),
]

THERAPISTS = [
    (
        "therapist@example.com",
        "Maya",
        "Okafor",
        ["swedish", "deep_tissue", "trigger_point", "myofascial"],
        "Ten years treating back and neck pain; gentle with first-timers.",
        [
            (0, "09:00", "17:00"),
            (1, "09:00", "17:00"),
            (3, "12:00", "20:00"),
            (4, "09:00", "17:00"),
        ],
    ),
    (
        "tom.reid@example.com",
        "Tom",
        "Reid",
        ["deep_tissue", "sports", "trigger_point"],
        "Former rugby physio; sports injuries and long-standing lower back pain.",
        [
            (1, "10:00", "18:00"),
            (2, "10:00", "18:00"),
            (4, "10:00", "18:00"),
            (5, "09:00", "13:00"),
        ],
    ),
    (
        "priya.shah@example.com",
        "Priya",
        "Shah",
        ["swedish", "myofascial", "neuromuscular"],
        "Calm, light-pressure work; pregnancy massage and stress-related tension.",
        [(0, "12:00", "20:00"), (2, "09:00", "17:00"), (3, "09:00", "17:00")],
    ),
    (
        "leo.martin@example.com",
        "Leo",
        "Martin",
        ["swedish", "deep_tissue", "sports", "myofascial"],
        "Desk-worker necks and shoulders; posture and movement advice.",
        [
            (0, "09:00", "15:00"),
            (2, "12:00", "20:00"),
            (4, "09:00", "17:00"),
            (5, "09:00", "13:00"),
        ],
    ),
]

ACCOUNTS = [
    # e-mail, first, last, role, is_staff
    ("client@example.com", "Sam", "Taylor", Role.CLIENT, False),
    ("frontdesk@example.com", "Jo", "Evans", Role.FRONT_DESK, False),
    ("admin@example.com", "Alex", "Morgan", Role.CLINIC_ADMIN, True),
]

# The owner (a superuser): made only in debug.
OWNER = ("owner@example.com", "Olivia", "Owner")


def _account(email, first, last, role, is_staff, created):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, first_name=first, last_name=last, is_staff=is_staff
        )
        created.append(f"{role}: {email}")
    user.groups.add(Group.objects.get(name=role))
    if role != Role.CLIENT:
        _demo_device(user)
    return user


def _demo_device(user):
    """Staff sign in with a second step: the demo's app device has the published secret."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(
            user=user,
            name="Demo authenticator",
            key=b32decode(DEMO_TOTP_SECRET).hex(),
            confirmed=True,
        )


@transaction.atomic
def seed_clinic():
    """Create the demo clinic and accounts; return (location, list of what was new)."""
    created = []
    location, new = Location.objects.get_or_create(name=LOCATION["name"], defaults=LOCATION)
    if new:
        created.append(f"location: {location.name}")
    for name in ROOMS:
        Room.objects.get_or_create(location=location, name=name)
    techniques = {t.code: t for t in Technique.objects.all()}
    for name, slug, technique, minutes, price, description in SERVICES:
        Service.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "technique": techniques[technique],
                "duration_minutes": minutes,
                "buffer_minutes": 15,
                "price": price,
                "description": description,
                "is_reassessment": slug == "reassessment-visit",
            },
        )
    for number, (email, first, last, codes, bio, hours) in enumerate(THERAPISTS, start=1):
        user = _account(email, first, last, Role.THERAPIST, False, created)
        # A made-up registration number, plainly a demo one, for the receipts.
        therapist, new = Therapist.objects.get_or_create(
            user=user, defaults={"bio": bio, "registration_number": f"DEMO-{number:04d}"}
        )
        if new:
            therapist.techniques.set([techniques[c] for c in codes])
            therapist.locations.add(location)
            WorkingHours.objects.bulk_create(
                WorkingHours(
                    therapist=therapist,
                    location=location,
                    weekday=day,
                    start_time=time.fromisoformat(start),
                    end_time=time.fromisoformat(end),
                )
                for day, start, end in hours
            )
    for email, first, last, role, is_staff in ACCOUNTS:
        user = _account(email, first, last, role, is_staff, created)
        if role == Role.CLIENT:
            ClientProfile.objects.get_or_create(
                user=user,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": email,
                    "phone": "07700 900123",
                },
            )
    if settings.DEBUG and not User.objects.filter(email=OWNER[0]).exists():
        # An owner to try account management with; never on a server running without
        # debug, where a published password would hand over every permission.
        owner = User.objects.create_superuser(
            OWNER[0], DEMO_PASSWORD, first_name=OWNER[1], last_name=OWNER[2]
        )
        _demo_device(owner)
        created.append(f"Owner: {OWNER[0]}")
    # A client who phoned in: no e-mail, no online account.
    ClientProfile.objects.get_or_create(
        first_name="Pat", last_name="Walker", phone="07700 900456", defaults={"email": ""}
    )
    return location, created
