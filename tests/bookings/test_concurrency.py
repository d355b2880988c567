"""No double booking: parallel writers on PostgreSQL, the immediate transaction on SQLite."""

import sqlite3
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, connections, transaction

from bookings.appointments import book_appointment
from bookings.errors import SlotTaken
from bookings.models import Appointment
from clinic.models import ClientProfile, Role, Room, Technique
from tests.base import make_client, make_location, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc, weekday_hours
from tests.intake.factories import make_intake

SLOT = utc(2026, 3, 10, 10, 0)
CLIENTS = 6


def _clinic():
    # Transactional tests may run after another one emptied the tables, data-migration
    # rows included, so make what the builders need.
    for role in Role:
        Group.objects.get_or_create(name=role)
    Technique.objects.get_or_create(code="swedish", defaults={"name": "Swedish massage"})
    location = make_location()
    room = Room.objects.create(location=location, name="Room 1")
    service = make_service()
    therapist = make_therapist("ava@example.com", location=location, hours=weekday_hours())
    clients = []
    for number in range(CLIENTS):
        user = make_client(f"client{number}@example.com", first_name=f"Client{number}")
        make_intake(user.client_profile)
        clients.append(user.client_profile)
    return location, room, service, therapist, clients


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_many_simultaneous_bookings_of_one_slot_succeeds():
    with time_machine.travel(utc(2026, 3, 2, 8, 0), tick=False):
        _, _, service, therapist, clients = _clinic()
    barrier = threading.Barrier(CLIENTS)
    outcomes = []

    def attempt(client_pk):
        try:
            client = ClientProfile.objects.select_related("user").get(pk=client_pk)
            barrier.wait()
            book_appointment(
                client=client, therapist=therapist, service=service, start=SLOT, by=client.user
            )
            outcomes.append("booked")
        except SlotTaken:
            outcomes.append("taken")
        finally:
            connections.close_all()

    with time_machine.travel(utc(2026, 3, 2, 8, 0), tick=True):
        threads = [threading.Thread(target=attempt, args=(c.pk,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(outcomes) == ["booked"] + ["taken"] * (CLIENTS - 1)
    assert Appointment.objects.filter(start=SLOT).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize("same", ["therapist", "room", "client"])
def test_the_exclusion_constraints_reject_an_overlapping_insert(same):
    location, room, service, therapist, clients = _clinic()
    other_room = Room.objects.create(location=location, name="Room 2")
    other_therapist = make_therapist("ben@example.com", location=location)
    make_appointment(clients[0], therapist, service, room, SLOT)
    overlapping = {
        "therapist": (clients[1], therapist, other_room),
        "room": (clients[1], other_therapist, room),
        "client": (clients[0], other_therapist, other_room),
    }[same]
    client, who, where = overlapping
    with pytest.raises(IntegrityError), transaction.atomic():
        make_appointment(client, who, service, where, SLOT + timedelta(minutes=70))


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_back_to_back_and_cancelled_appointments_do_not_clash():
    _, room, service, therapist, clients = _clinic()
    make_appointment(clients[0], therapist, service, room, SLOT)
    make_appointment(clients[1], therapist, service, room, SLOT + timedelta(minutes=75))
    make_appointment(clients[2], therapist, service, room, SLOT, status="cancelled")
    assert Appointment.objects.count() == 3


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_two_writers_for_one_slot_wait_their_turn_and_exactly_one_books(tmp_path):
    # SQLite has one writer at a time. Every transaction begins IMMEDIATE, taking the
    # write lock before the availability check, so the second booking waits for the first
    # to commit and then finds the slot taken (a deferred transaction would read first
    # and fail with "database is locked" when it came to write).
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with time_machine.travel(utc(2026, 3, 2, 8, 0), tick=False):
        _, _, service, therapist, clients = _clinic()
    # The test database lives in memory, where threads share one cache instead of taking
    # SQLite's file locks; the writers use a copy of it in a file, as the product does.
    path = tmp_path / "clinic.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    file_settings = {**connection.settings_dict, "NAME": str(path)}
    wrapper = type(connections["default"])
    # A third writer holds the lock while both bookings start, so they meet at the lock.
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    ready = threading.Barrier(3)
    outcomes = []

    def attempt(client):
        # This thread's own connection to the file.
        connections["default"] = wrapper(dict(file_settings), "default")
        try:
            ready.wait()
            book_appointment(
                client=client, therapist=therapist, service=service, start=SLOT, by=client.user
            )
            outcomes.append("booked")
        except SlotTaken:
            outcomes.append("taken")
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connections["default"].close()

    with time_machine.travel(utc(2026, 3, 2, 8, 0), tick=True):
        threads = [threading.Thread(target=attempt, args=(client,)) for client in clients[:2]]
        for thread in threads:
            thread.start()
        ready.wait()
        time.sleep(0.5)
        waited = list(outcomes)
        holder.execute("ROLLBACK")
        for thread in threads:
            thread.join()
    holder.close()

    assert waited == []
    assert sorted(outcomes) == ["booked", "taken"]
    check = sqlite3.connect(path)
    assert check.execute("SELECT count(*) FROM bookings_appointment").fetchone() == (1,)
    check.close()
