"""Benchmarks of availability and plan proposals on a large appointments table.

Run it on a database of its own; it writes a benchmark clinic into the current database
(and removes the previous run's):

    createdb -h 127.0.0.1 -U postgres clinic_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench make bench

For each table size it measures three calls, each ``--runs`` times after one warm-up:

- availability for one therapist over 28 days holding 120 appointments (six a day);
- the next free time across 20 therapists whose first 14 days are fully booked;
- a plan proposal of 8 sessions (twice a week for four weeks, then a reassessment);

and prints the SQL queries per call and the median and 95th-percentile times. The
filler appointments (the table size) belong to the measured therapists' past and to 80
other therapists at a second location, past and future; none overlap, so the
exclusion constraints hold. On PostgreSQL they are written with COPY.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.availability import free_slots, next_free_slot
from bookings.management.pageload import PageLoad
from bookings.models import Appointment
from bookings.planning import recommend_plan
from bookings.proposals import propose_plan
from clinic.models import (
    ClientProfile,
    Location,
    Room,
    Service,
    Technique,
    Therapist,
    User,
    WorkingHours,
)

PREFIX = "bench"
ZONE_NAME = "Europe/London"
# Six visits a day: 60 minutes and a 15-minute buffer, back to back.
FULL_DAY = [clock(9, 0), clock(10, 15), clock(11, 30), clock(12, 45), clock(14, 0), clock(15, 15)]
# The availability therapist works 08:00-19:00: six visits a day, free from 17:15.
GAPPY_DAY = [clock(8, 0), clock(9, 30), clock(11, 0), clock(13, 0), clock(14, 30), clock(16, 0)]
WINDOW_DAYS = 28
BOOKED_DAYS = 14
GROUP = 20
# Aims: each call at most this many times its own SQL time (EXPLAIN ANALYZE, same run).
ENGINE_TARGETS = {
    "availability, 1 therapist, 28 days": 5,
    "next free time, 20 therapists": 5,
}


@dataclass
class Clinic:
    location: Location
    other_location: Location
    service: Service
    solo: Therapist  # 120 appointments over 28 days
    group: list[Therapist]  # fully booked for the first 14 days
    fillers: list[Therapist]
    rooms: dict[int, int]  # therapist id -> room id
    clients: list[int]
    plan_client: ClientProfile
    first_day: date


def _working_days(start: date, days: int):
    return [
        start + timedelta(days=n) for n in range(days) if (start + timedelta(days=n)).weekday() < 5
    ]


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


class Command(BaseCommand):
    help = "Benchmark availability, next free time and plan proposals on a large table."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default="10000,1000000",
            help="Comma-separated table sizes (filler appointments), smallest first.",
        )
        parser.add_argument("--runs", type=int, default=30, help="Timed calls per case.")
        parser.add_argument(
            "--quick", action="store_true", help="A small smoke run: 200 rows, 1 run."
        )
        parser.add_argument(
            "--allow-sqlite",
            action="store_true",
            help="Run on SQLite too (the numbers say little about production).",
        )
        parser.add_argument(
            "--fillers", type=int, default=80, help="Other therapists holding filler rows."
        )
        parser.add_argument(
            "--pages",
            type=float,
            default=5.0,
            help="Seconds of load per page and round under gunicorn (0: no page figures).",
        )
        parser.add_argument(
            "--rounds", type=int, default=3, help="Rounds of the page loads, interleaved."
        )
        parser.add_argument(
            "--concurrency", type=int, default=16, help="Concurrent clients for the pages."
        )
        parser.add_argument(
            "--workers", type=int, default=3, help="gunicorn workers for the page figures."
        )

    def handle(
        self,
        *args,
        sizes,
        runs,
        quick,
        allow_sqlite,
        fillers,
        pages,
        rounds,
        concurrency,
        workers,
        **options,
    ):
        if connection.vendor != "postgresql" and not allow_sqlite:
            raise CommandError(
                "The benchmark belongs on PostgreSQL, in a database of its own, e.g. "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench make bench "
                "(or pass --allow-sqlite for a smoke run)."
            )
        if quick:
            sizes, runs, fillers, pages = "200", 1, 4, 0
        try:
            targets = sorted({int(size) for size in sizes.split(",") if size.strip()})
        except ValueError:
            raise CommandError("--sizes takes whole numbers, e.g. 10000,1000000.") from None
        if not targets or targets[0] < 0 or runs < 1:
            raise CommandError("Give at least one size of 0 or more and at least one run.")

        self.stdout.write(f"Database: {connection.vendor}; {runs} timed runs per case.")
        started = time.perf_counter()
        clinic = self.build_clinic(fillers)
        self.stdout.write(f"Clinic ready in {time.perf_counter() - started:.1f} s.")
        cursors = {t.pk: None for t in [clinic.solo, *clinic.group, *clinic.fillers]}
        inserted = 0
        results = []
        for size in targets:
            started = time.perf_counter()
            self.insert_filler(clinic, size - inserted, cursors)
            inserted = size
            if connection.vendor == "postgresql":
                # A steady-state table: statistics fresh, visibility map and hint bits set,
                # so the first timed runs do not pay for the bulk load's clean-up.
                # (VACUUM cannot run in a transaction, as in the smoke test: ANALYZE then.)
                command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                with connection.cursor() as cursor:
                    cursor.execute(f"{command} bookings_appointment")
            total = Appointment.objects.count()
            self.stdout.write(
                f"\n{size:,} filler appointments ({total:,} in the table), "
                f"written in {time.perf_counter() - started:.1f} s"
            )
            self.stdout.write(
                f"  round trip (SELECT 1): median {self.round_trip():.2f} ms "
                "(the machine's latency; every query pays it on top of its SQL time)"
            )
            for name, call in self.cases(clinic):
                row = self.measure(name, call, runs)
                row["size"] = size
                results.append(row)
                floor = ""
                if row["sql"] is not None:
                    target = ENGINE_TARGETS.get(name)
                    verdict = ""
                    if target is not None:
                        verdict = "  ok" if row["ratio"] <= target else f"  MISSED (aim {target}x)"
                    floor = f"  SQL {row['sql']:6.2f} ms  {row['ratio']:5.2f}x SQL{verdict}"
                self.stdout.write(
                    f"  {name:<42} {row['queries']:>2} queries  median {row['median']:8.2f} ms"
                    f"  p95 {row['p95']:8.2f} ms{floor}  ({row['result']})"
                )
        self.summary(results, targets)
        if pages > 0:
            load = PageLoad(self, clinic, seconds=pages, rounds=rounds, workers=workers)
            load.run(concurrency)

    # --- The clinic -----------------------------------------------------------------

    def clean_previous(self):
        locations = list(Location.objects.filter(name__startswith=f"{PREFIX}:"))
        if locations:
            Appointment.objects.filter(location__in=locations)._raw_delete(connection.alias)
            WorkingHours.objects.filter(location__in=locations).delete()
            Room.objects.filter(location__in=locations).delete()
        therapists = Therapist.objects.filter(user__email__endswith=f"@{PREFIX}.invalid")
        users = list(therapists.values_list("user_id", flat=True))
        therapists.delete()
        User.objects.filter(pk__in=users).delete()
        ClientProfile.objects.filter(email__endswith=f"@{PREFIX}.invalid").delete()
        Service.objects.filter(slug__startswith=f"{PREFIX}-").delete()
        Location.objects.filter(pk__in=[location.pk for location in locations]).delete()

    @transaction.atomic
    def build_clinic(self, filler_count):
        self.clean_previous()
        technique, _ = Technique.objects.get_or_create(
            code=f"{PREFIX}-massage", defaults={"name": "Benchmark massage"}
        )
        common = {
            "address": "1 Benchmark Road",
            "phone": "020 7946 0100",
            "time_zone": ZONE_NAME,
            "slot_step_minutes": 15,
            "min_notice_hours": 0,
            "booking_horizon_days": 365,
        }
        location = Location.objects.create(name=f"{PREFIX}: main", **common)
        other = Location.objects.create(name=f"{PREFIX}: other", **common)
        service = Service.objects.create(
            name="Benchmark massage",
            slug=f"{PREFIX}-massage",
            technique=technique,
            duration_minutes=60,
            buffer_minutes=15,
            price=Decimal("50.00"),
        )
        Service.objects.create(
            name="Benchmark reassessment",
            slug=f"{PREFIX}-reassessment",
            technique=technique,
            duration_minutes=30,
            buffer_minutes=15,
            price=Decimal("30.00"),
            is_reassessment=True,
        )
        total = 1 + GROUP + filler_count
        users = User.objects.bulk_create(
            User(
                email=f"therapist{n}@{PREFIX}.invalid",
                first_name="Bench",
                last_name=f"Therapist {n}",
                password="!",  # unusable: nobody logs in as a benchmark therapist
            )
            for n in range(total)
        )
        therapists = Therapist.objects.bulk_create(Therapist(user=user) for user in users)
        Therapist.techniques.through.objects.bulk_create(
            Therapist.techniques.through(therapist_id=t.pk, technique_id=technique.pk)
            for t in therapists
        )
        main_team, filler_team = therapists[: 1 + GROUP], therapists[1 + GROUP :]
        Therapist.locations.through.objects.bulk_create(
            [
                Therapist.locations.through(therapist_id=t.pk, location_id=location.pk)
                for t in main_team
            ]
            + [
                Therapist.locations.through(therapist_id=t.pk, location_id=other.pk)
                for t in filler_team
            ]
        )
        rooms = Room.objects.bulk_create(
            Room(location=location if n < len(main_team) else other, name=f"Room {n}")
            for n in range(total)
        )
        hours = []
        for n, therapist in enumerate(therapists):
            start, end = (clock(8, 0), clock(19, 0)) if n == 0 else (clock(9, 0), clock(16, 30))
            home = location if n < len(main_team) else other
            hours += [
                WorkingHours(
                    therapist=therapist,
                    location=home,
                    weekday=weekday,
                    start_time=start,
                    end_time=end,
                )
                for weekday in range(5)
            ]
        WorkingHours.objects.bulk_create(hours)
        # One client per therapist and slot of the day: a client is never in two places.
        clients = ClientProfile.objects.bulk_create(
            ClientProfile(
                first_name="Bench",
                last_name=f"Client {n}",
                email=f"client{n}@{PREFIX}.invalid",
                reminders=False,
            )
            for n in range(total * 6 + 1)
        )
        today = timezone.localdate(timezone=location.zone)
        first_day = today + timedelta(days=7 - today.weekday() + 7)  # Monday after next
        clinic = Clinic(
            location=location,
            other_location=other,
            service=service,
            solo=therapists[0],
            group=therapists[1 : 1 + GROUP],
            fillers=filler_team,
            rooms={t.pk: room.pk for t, room in zip(therapists, rooms, strict=True)},
            clients=[c.pk for c in clients[:-1]],
            plan_client=clients[-1],
            first_day=first_day,
        )
        rows = []
        for day in _working_days(first_day, WINDOW_DAYS):
            rows += self.day_rows(clinic, 0, clinic.solo, day, GAPPY_DAY, location)
        for n, therapist in enumerate(clinic.group, start=1):
            for day in _working_days(first_day, BOOKED_DAYS):
                rows += self.day_rows(clinic, n, therapist, day, FULL_DAY, location)
        self.write_rows(rows)
        return clinic

    def day_rows(self, clinic, index, therapist, day, times, location, status="booked"):
        zone = location.zone
        rows = []
        for slot, wall in enumerate(times):
            start = datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)
            rows.append(
                {
                    "client_id": clinic.clients[index * 6 + slot],
                    "therapist_id": therapist.pk,
                    "room_id": clinic.rooms[therapist.pk],
                    "location_id": location.pk,
                    "start": start,
                    "status": status,
                }
            )
        return rows

    def insert_filler(self, clinic, count, cursors):
        """``count`` more rows, a working day (six visits) at a time per therapist.

        The measured therapists get past days, going back from the day before the
        measured window; the others get days going back from 300 days ahead.
        """
        everyone = [clinic.solo, *clinic.group, *clinic.fillers]
        rows = []
        batch = 50_000
        n = 0
        while count > 0:
            index = n % len(everyone)
            therapist = everyone[index]
            n += 1
            day = cursors[therapist.pk]
            if day is None:
                day = clinic.first_day + timedelta(days=300 if index > GROUP else 0)
            day -= timedelta(days=1)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            cursors[therapist.pk] = day
            location = clinic.location if index <= GROUP else clinic.other_location
            status = "completed" if day < clinic.first_day - timedelta(days=14) else "booked"
            day_rows = self.day_rows(clinic, index, therapist, day, FULL_DAY, location, status)
            rows += day_rows[:count]
            count -= len(day_rows)
            if len(rows) >= batch:
                self.write_rows(rows)
                rows = []
        if rows:
            self.write_rows(rows)

    def write_rows(self, rows):
        """COPY on PostgreSQL, batched INSERTs elsewhere; every model field filled."""
        service = Service.objects.get(slug=f"{PREFIX}-massage")
        now = timezone.now()
        length = timedelta(minutes=service.duration_minutes)
        buffer = timedelta(minutes=service.buffer_minutes)
        token_base = f"{PREFIX}-{time.time_ns()}-"
        fields = [f for f in Appointment._meta.concrete_fields if not f.primary_key]
        prepared = []
        for number, row in enumerate(rows):
            values = {
                **row,
                "service_id": service.pk,
                "end": row["start"] + length,
                "blocked_until": row["start"] + length + buffer,
                "duration_minutes": service.duration_minutes,
                "price": service.price,
                "created_at": now,
                "checkin_token": f"{token_base}{number}",
            }
            prepared.append(values)
        if connection.vendor == "postgresql":
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    f"COPY {Appointment._meta.db_table} ({columns}) FROM STDIN"
                ) as copy,
            ):
                for values in prepared:
                    copy.write_row([self.value(f, values) for f in fields])
        else:
            Appointment.objects.bulk_create(
                (
                    Appointment(**{f.attname: self.value(f, values) for f in fields})
                    for values in prepared
                ),
                batch_size=500,
            )

    @staticmethod
    def value(field, values):
        if field.attname in values:
            return values[field.attname]
        if field.has_default() or not field.null:
            return field.get_default()
        return None

    # --- The measurements ---------------------------------------------------------------

    def cases(self, clinic):
        last = clinic.first_day + timedelta(days=WINDOW_DAYS - 1)
        recommendation = recommend_plan(pain_weeks=3, pain_score=8)
        window_start = datetime.combine(clinic.first_day, clock.min, tzinfo=clinic.location.zone)

        def availability():
            slots = free_slots(clinic.solo, clinic.service, start=clinic.first_day, end=last)
            return f"{len(slots)} free starts"

        def next_free():
            found = next_free_slot(clinic.service, after=window_start, therapists=clinic.group)
            if found is None:
                return "none"
            return f"first on day {(found[1].date() - clinic.first_day).days}"

        def plan():
            proposal = propose_plan(
                client=clinic.plan_client,
                recommendation=recommendation,
                service=clinic.service,
                weekdays=[0, 3],
                preferred_time=clock(10, 0),
                first_day=clinic.first_day,
                therapist=clinic.solo,
            )
            placed = sum(1 for s in proposal.sessions if s.start)
            return f"{placed} of {len(proposal.sessions)} visits placed"

        return [
            ("availability, 1 therapist, 28 days", availability),
            ("next free time, 20 therapists", next_free),
            ("plan proposal, 8 sessions + reassessment", plan),
        ]

    def measure(self, name, call, runs):
        with CaptureQueriesContext(connection) as queries:
            result = call()  # the warm-up run also counts the queries
        statements = [query["sql"] for query in queries.captured_queries]
        timings, floors = [], []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
            # Interleaved with the calls, so that both see the same load on the machine.
            floors.append(self.sql_time(statements))
        row = {
            "name": name,
            "queries": len(statements),
            "median": statistics.median(timings),
            "p95": _percentile(timings, 0.95),
            "result": result,
            "sql": None,
        }
        if floors[0] is not None:
            row["sql"] = statistics.median(floors)
            row["ratio"] = row["median"] / row["sql"] if row["sql"] else float("inf")
        return row

    @staticmethod
    def round_trip(times=30):
        timings = []
        with connection.cursor() as cursor:
            for _ in range(times):
                started = time.perf_counter()
                cursor.execute("SELECT 1")
                cursor.fetchall()
                timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)

    @staticmethod
    def sql_time(statements):
        """Milliseconds PostgreSQL spends on these statements: planning plus execution,
        from EXPLAIN ANALYZE (the physical floor of the call), or None elsewhere."""
        if connection.vendor != "postgresql":
            return None
        total = 0.0
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                total += plan["Planning Time"] + plan["Execution Time"]
        return total

    def summary(self, results, sizes):
        if len(sizes) < 2:
            return
        smallest, largest = sizes[0], sizes[-1]
        self.stdout.write(
            f"\n{largest:,} rows against {smallest:,} (aim: at most 2x, at most 4 queries):"
        )
        by_key = {(row["size"], row["name"]): row for row in results}
        for row in results:
            if row["size"] != largest:
                continue
            base = by_key[(smallest, row["name"])]
            ratio = row["median"] / base["median"] if base["median"] else float("inf")
            verdict = "ok" if ratio <= 2 and row["queries"] <= 4 else "MISSED"
            self.stdout.write(
                f"  {row['name']:<42} {ratio:5.2f}x median, {row['queries']} queries: {verdict}"
            )
