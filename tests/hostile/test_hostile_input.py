"""Property-based hostile input on every form (issue 13, part 6).

Each test posts (or, for search forms, sends as a query) generated hostile values in
one to three fields of a real form read from its page, on top of the page's own values:
very long text, control characters (NUL included), invalid UTF-8 and lone surrogates,
HTML and SQL fragments, impossible dates and numbers, and other users' ids. Properties:

* never a 5xx (the test client re-raises a view's exception, so a crash fails loudly);
* a refused request (the form shown again, or a 4xx) writes nothing: every INSERT,
  UPDATE and DELETE is recorded, sessions and the logs that must record a refusal
  (the health-data access log, django-axes) aside;
* a planted markup marker never comes back unescaped.

Every example runs in a savepoint that is rolled back, so examples never see each
other's writes. Hypothesis is derandomized and keeps no example database, so CI runs
the same examples every time; ``@example`` rows keep the bugs this file found.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any
from unittest import mock

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import django as hypothesis_django

from bookings.models import AftercareCheck, TreatmentPlan
from clinic.models import Closure, WorkingHours
from intake.models import Condition
from tests import test_url_walk as walk
from tests.bookings.helpers import make_appointment
from tests.hostile.forms import Form, forms_in, urlencoded

# Deterministic: the same examples on every run, no example database to carry state.
HOSTILE = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", 35)),
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)

# --- Hostile values ---------------------------------------------------------------------

SCRIPT = "<script>alert('hx-7731')</script>"
IMG = '"><img src=x onerror=alert(7732)>'
# What must never come back as it was sent.
UNESCAPED = ("<script>alert('hx-7731')", "<img src=x onerror=alert(7732)>")


@dataclass(frozen=True)
class OtherId:
    """The pk (or public id) of an object that is not the acting user's, filled in late."""

    path: str


OTHER_IDS = [
    OtherId(p)
    for p in (
        "olga_appointment.pk",
        "olga_plan.pk",
        "olga_profile.pk",
        "olga_profile.public_id",
        "appointment.pk",
        "plan.pk",
        "visit.pk",
        "intake.pk",
        "intake.public_id",
        "ann_profile.pk",
        "stranger.pk",
        "owner_user.pk",
    )
]

MARKUP = [
    SCRIPT,
    IMG,
    "{{ request }}{% debug %}",
    "javascript:alert(1)",
    "%(x)s {0} %s",
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE clinic_user; --",
    "1 UNION SELECT password FROM clinic_user",
    '") OR 1=1 --',
]
NUMBERS_AND_DATES = [
    "0000-01-01",
    "0000-00-00",
    "99999-12-31",
    "2026-02-30",
    "2026-13-01",
    "2026-03-02T25:61",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-14:00",
    "24:00",
    "-1",
    "0",
    "-2147483649",
    "9223372036854775808",
    "1" * 60,
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1.5",
    "0x10",
    "",
    " ",
]
CONTROL = ["\x00", "a\x00b", "\x00" * 3, "\x1b[31m", "\r\n\r\n", "\u202e", "\ufeff", "\x7f\x08"]
# Not UTF-8 at all, and lone surrogates (sent as their "surrogatepass" bytes).
BAD_BYTES = [b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"a\x80b", "\ud800", "x\udfffy"]

long_text = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["a", "é", "😀", "<b>", "\x00", "' "]),
    st.integers(10_001, 12_000),
)
text_like = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
hostile_values = st.one_of(
    st.sampled_from(MARKUP),
    st.sampled_from(SQL),
    st.sampled_from(NUMBERS_AND_DATES),
    st.sampled_from(CONTROL),
    st.sampled_from(BAD_BYTES),
    st.sampled_from(OTHER_IDS),
    long_text,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(lambda d: d.isoformat()),
    text_like.map(lambda s: s + SCRIPT),
    st.text(alphabet=st.characters(max_codepoint=0x20), min_size=1, max_size=8),
)
# Uploads: (first bytes, claimed content type, file name ending), picked by the value.
UPLOAD_KINDS = [
    (b"%PDF-1.4 ", "application/pdf", ".pdf"),
    (b"", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/jpeg", ".png"),
    (b"<svg onload=alert(1)>", "image/svg+xml", ".svg"),
    (b"MZ\x90\x00", "application/pdf", ".pdf.exe"),
    (b"%PDF-1.4 ", "text/html", ""),
    (b"GIF89a", "", "/../../etc/passwd"),
]
# Which field (an index into the form's fields, a name in regression examples) gets what.
picks = st.lists(
    st.tuples(st.integers(min_value=0, max_value=200), hostile_values), min_size=1, max_size=3
)

# --- What may be written by a refused request -------------------------------------------

# The session, and the logs a refusal must itself leave: who viewed health data (a page
# shown again with the form's errors is still a view) and django-axes' log-in records.
MAY_WRITE_WHEN_REFUSED = re.compile(r"^(django_session|intake_healthdataaccess|axes_\w+)$")


# How a page shows a form's errors (crispy Bootstrap 5, the admin's error lists).
FORM_ERRORS = re.compile(r"is-invalid|invalid-feedback|errorlist|errornote")


@dataclass
class Target:
    """One form: who posts it, where, and how to read it from its page."""

    role: str
    url: Callable[[Any], str]
    method: str = "post"
    # Run (inside the example's savepoint) before the page is read: a flow's earlier steps.
    setup: Callable[[Any], None] | None = None
    # Values that make the rest of the form valid, so the hostile field is what decides.
    valid: dict[str, Any] = field(default_factory=dict)
    multipart: bool = False
    # Which form on the page: the one whose fields include this name, or that posts to
    # this URL name (it is posted there).
    has_field: str | None = None
    action: str | None = None
    # Whose page the form is read from, when the acting role may not open it.
    form_role: str | None = None


def _url(name, *paths, query=""):
    def build(case):
        url = reverse(name, args=[walk.resolve_path(case, p) for p in paths])
        return url + (("?" + query(case)) if query else "")

    return build


def _confirm_query(case):
    return (
        f"service={case.service.pk}&therapist={case.carer.pk}"
        f"&start={case.free_start.isoformat().replace('+', '%2B')}"
    )


def _plan_proposal(case):
    """A proposed plan for Ann, as the plan page makes it."""
    form = case.page_form(reverse("bookings:plan_new"), has_field=None)
    data = form.filled()
    data.update(therapist=[str(case.carer.pk)], preferred_time=["10:00"])
    case.client.post(reverse("bookings:plan_new"), urlencoded(data), content_type=FORM)


FORM = "application/x-www-form-urlencoded"


def _move_day(case):
    return "date=" + (walk.NOW + timedelta(days=9)).date().isoformat()


class HostileInputTests(hypothesis_django.TestCase, walk.UrlWalkTests):
    """The URL walk's cast and Ann's records; these tests post hostile forms at them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.olga_profile = cls.other_client_profile
        cls.olga_plan = TreatmentPlan.objects.create(
            client=cls.olga_profile,
            therapist=cls.stranger,
            kind="acute",
            sessions_per_week=1,
            weeks=2,
            technique=cls.service.technique,
            service=cls.service,
            status="active",
        )
        cls.olga_appointment = make_appointment(
            cls.olga_profile, cls.stranger, cls.service, cls.room, walk.NOW + timedelta(days=3)
        )
        # Ann's visit later today: the check-in link and the desk's day check are open.
        cls.today_appointment = make_appointment(
            cls.ann_profile, cls.carer, cls.service, cls.room, walk.NOW + timedelta(hours=3)
        )
        cls.open_aftercare = AftercareCheck.objects.create(
            appointment=cls.reassessment_appointment, sent_at=walk.NOW - timedelta(hours=2)
        )
        # Olga's health form, a draft with two steps saved: every step can be posted.
        from intake.views.questionnaire import _new_draft

        cls.olga_draft = _new_draft(cls.olga_profile, user=cls.other_client_user)
        cls.olga_draft.steps_done = 2
        cls.olga_draft.save(update_fields=["steps_done"])
        # The carer works Mondays 9-17: next Monday 9:00 is free.
        cls.free_start = walk.NOW.replace(hour=9) + timedelta(days=7)
        for weekday in range(7):
            WorkingHours.objects.get_or_create(
                therapist=cls.carer,
                location=cls.location,
                weekday=weekday,
                defaults={"start_time": walk.time(8, 0), "end_time": walk.time(20, 0)},
            )
        cls.closure = Closure.objects.first()
        cls.condition = Condition.objects.get(code="diabetes")

    step_one, step_two, step_three = 1, 2, 3

    # The walk's own tests are not run again here.
    test_every_url_has_an_expectation = None
    test_anonymous_visitors_are_sent_to_log_in_and_see_nothing_of_ann = None
    test_ann_reaches_her_own_pages = None
    test_another_client_gets_not_found_and_never_ann_or_her_name = None
    test_a_therapist_who_does_not_treat_ann_never_sees_her_health_data = None
    test_the_treating_therapist_reaches_ann_as_a_therapist = None
    test_front_desk_sees_schedules_never_health_data = None
    test_a_clinic_admin_without_the_health_permission_never_sees_health_data = None
    test_an_owner_reaches_everything_the_admin_offers = None

    def setUp(self):
        super().setUp()
        patcher = mock.patch("django.test.client.store_rendered_templates", lambda *a, **k: None)
        patcher.start()
        self.addCleanup(patcher.stop)

    # --- Requests ---------------------------------------------------------------------

    def act_as(self, role):
        """A fresh client signed in as ``role`` (each example's savepoint ends its session)."""
        self.client.cookies = SimpleCookie()
        session = self.log_in(role)
        self.client.cookies = SimpleCookie()
        if session is not None:
            self.client.cookies[django_settings.SESSION_COOKIE_NAME] = session

    def page_form(self, url, has_field=None, method="post", action=None):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, msg=f"GET {url}")
        body = response.content.decode()
        candidates = [
            f
            for f in forms_in(body)
            if f.method == method
            and (has_field in f.fields or has_field in f.choices if has_field else True)
            and (f.fields or f.choices)
            and (action is None or f.action.split("?")[0] == reverse(action))
            and not f.action.endswith("/logout/")
        ]
        self.assertTrue(candidates, msg=f"no {method} form on {url}")
        return max(candidates, key=lambda f: len(f.fields) + len(f.choices))

    def resolve(self, value):
        if isinstance(value, OtherId):
            return str(walk.resolve_path(self, value.path))
        return value

    def hostile_data(self, form: Form, target: Target, chosen):
        data: dict[str, list[Any]] = form.filled()
        for name, value in target.valid.items():
            data[name] = [self.resolve(value(self) if callable(value) else value)]
        names = [*sorted(set(data) | set(form.choices)), "unexpected_field"]
        names = [n for n in names if n not in ("csrfmiddlewaretoken",)]
        for where, value in chosen:
            name = where if isinstance(where, str) else names[where % len(names)]
            data[name] = [self.resolve(value)]
        return data

    def send(self, target: Target, chosen):
        """Post the hostile form; return (response, body, refused writes)."""
        writes = []

        def record(execute, sql, params, many, context):
            match = walk.WRITE_SQL.match(sql)
            if match:
                writes.append(match[1].strip('"`'))
            return execute(sql, params, many, context)

        with transaction.atomic():
            self.act_as(target.role)
            if target.setup:
                target.setup(self)
            url = target.url(self)
            form = self.cached_form(target, url)
            data = self.hostile_data(form, target, chosen)
            post_url = form.action or url
            with connection.execute_wrapper(record):
                if target.method == "get":
                    path = url.split("?")[0]
                    response = self.client.get(path + "?" + urlencoded(data).decode())
                elif target.multipart:
                    response = self.client.post(post_url, self.multipart(data, form))
                else:
                    response = self.client.post(post_url, urlencoded(data), content_type=FORM)
            body = response.content.decode(errors="replace")
            transaction.set_rollback(True)
        return response, body, writes, data

    def cached_form(self, target, url):
        key = id(target)
        if target.setup is None and key in self.forms:
            return self.forms[key]
        with transaction.atomic():
            if target.form_role:
                self.act_as(target.form_role)
            form = self.page_form(url, target.has_field, method=target.method, action=target.action)
            transaction.set_rollback(True)
        self.act_as(target.role)
        self.forms[key] = form
        return form

    @property
    def forms(self):
        if not hasattr(self, "_forms"):
            self._forms = {}
        return self._forms

    def multipart(self, data, form):
        """A file field gets the hostile value as its name, its bytes, or both, under a
        content type that is a lie more often than not; other fields go as text (the
        test client can only send UTF-8 in a multipart body)."""
        out = {}
        for name, values in data.items():
            value = values[0] if values else ""
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            text = text.encode("utf-8", "replace").decode()
            if name in form.fields and not form.fields[name]:  # a file input
                raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")
                kind = len(raw) % len(UPLOAD_KINDS)
                prefix, content_type, suffix = UPLOAD_KINDS[kind]
                out[name] = SimpleUploadedFile(
                    (text[:300] or "x") + suffix, prefix + raw, content_type=content_type
                )
            else:
                out[name] = text
        return out

    # --- The properties ---------------------------------------------------------------

    def test_a_nul_byte_in_any_text_field_is_a_form_error(self):
        """PostgreSQL refuses NUL in text: every text field of every form that is
        otherwise accepted must refuse it as a form error, never reach the database."""
        for key in sorted(ACCEPTED_AS_FILLED_IN):
            target = TARGETS[key]
            with transaction.atomic():
                self.act_as(target.role)
                if target.setup:
                    target.setup(self)
                form = self.cached_form(target, target.url(self))
                transaction.set_rollback(True)
            for name in sorted(set(form.fields) | set(form.choices)):
                if name.startswith("csrf") or "__prefix__" in name:
                    continue
                with self.subTest(form=key, field=name):
                    response = self.check(target, [(name, "a\x00b")])
                    self.assertEqual(response.status_code, 400, msg=f"{key}: NUL in {name}")
                    self.assertContains(response, "cannot be stored", status_code=400)

    def test_each_form_as_a_person_fills_it_in_is_accepted(self):
        """Without this, every hostile post could be refused for another reason."""
        statuses = {}
        for key, target in TARGETS.items():
            response = self.send(target, [])[0]
            statuses[key] = response.status_code
        accepted = {key for key, status in statuses.items() if status == 302}
        self.assertGreaterEqual(accepted, ACCEPTED_AS_FILLED_IN, msg=str(statuses))

    def check(self, target, chosen):
        response, body, writes, _data = self.send(target, chosen)
        status = response.status_code
        where = f"{target.role} {target.method.upper()} {target.url(self)}"
        self.assertLess(status, 500, msg=f"{where}: {status}")
        for marker in UNESCAPED:
            self.assertNotIn(marker, body, msg=f"{where}: echoed unescaped")
        # Refused: a 4xx, or the page shown again with its errors. (A 200 without errors
        # is a result page: the day-of check and the after-visit reply answer in place.)
        refused = status >= 400 or (status == 200 and FORM_ERRORS.search(body) is not None)
        if refused:
            unexpected = sorted({t for t in writes if not MAY_WRITE_WHEN_REFUSED.match(t)})
            self.assertFalse(unexpected, msg=f"{where} refused ({status}) but wrote {unexpected}")
        return response


# Forms whose page values (with ``valid``) are accepted as they are: a hostile value in
# any one field of these is what decides whether the post is refused.
ACCEPTED_AS_FILLED_IN = {
    "login", "intake_step_1", "intake_step_2", "intake_step_3", "confirm", "plan_new",
    "plan_drop", "plan_move", "plan_confirm", "reschedule", "cancel", "review", "visit_edit",
    "visit_amend", "reassessment", "checkin", "admin_service", "admin_therapist",
    "admin_condition", "admin_closure",
}  # fmt: skip

T = Target
TARGETS: dict[str, Target] = {
    "signup": T(
        "anonymous",
        _url("signup"),
        valid={"email": "nia@example.com", "first_name": "Nia", "last_name": "New"},
    ),
    "signup_finish": T("anonymous", _url("signup_finish", "signup_token")),
    "login": T(
        "anonymous",
        _url("login"),
        valid={"username": "client@example.com", "password": "a-long-test-password-42"},
    ),
    "profile": T("ann", _url("profile")),
    "intake_step_1": T(
        "other",
        _url("intake:step", "olga_draft.public_id", "step_one"),
        valid={"pain_onset": "2026-01-05", "pain_now": "5", "pain_worst": "6", "stress": "3"},
    ),
    "intake_step_2": T("other", _url("intake:step", "olga_draft.public_id", "step_two")),
    "intake_step_3": T(
        "other",
        _url("intake:step", "olga_draft.public_id", "step_three"),
        valid={"signature_name": "Olga Other", "agree": "on"},
    ),
    "book": T("ann", _url("bookings:book"), method="get", has_field="service"),
    "confirm": T("ann", _url("bookings:confirm", query=_confirm_query)),
    "plan_new": T(
        "ann",
        _url("bookings:plan_new"),
        valid={"therapist": OtherId("carer.pk"), "preferred_time": "10:00"},
    ),
    "plan_drop": T(
        "ann", _url("bookings:plan_review"), setup=_plan_proposal, action="bookings:plan_drop"
    ),
    "plan_move": T(
        "ann",
        _url("bookings:plan_move", query=lambda c: "index=0"),
        setup=_plan_proposal,
        has_field="start",
    ),
    "plan_confirm": T(
        "ann", _url("bookings:plan_review"), setup=_plan_proposal, action="bookings:plan_confirm"
    ),
    "reschedule": T("ann", _url("bookings:reschedule", "appointment.pk", query=_move_day)),
    "cancel": T("ann", _url("bookings:cancel", "appointment.pk")),
    "review": T("carer", _url("intake:review", "intake.public_id")),
    "clearance": T("carer", _url("intake:clearance", "intake.public_id"), multipart=True),
    "record_visit": T(
        "carer",
        _url("bookings:record_visit", "today_appointment.pk"),
        valid={"pain_score": "5", "pain_after": "3"},
    ),
    "visit_edit": T("carer", _url("bookings:visit_edit", "visit.pk")),
    "visit_amend": T(
        "carer", _url("bookings:visit_amend", "visit.pk"), valid={"text": "A correction."}
    ),
    "reassessment": T("carer", _url("bookings:reassessment", "reassessment_appointment.pk")),
    "checkin": T("ann", _url("bookings:checkin", "today_appointment.checkin_token")),
    "desk_day_check": T("desk", _url("bookings:desk_day_check", "today_appointment.pk")),
    "aftercare": T("anonymous", _url("bookings:aftercare", "open_aftercare.token")),
    "client_create": T(
        "desk",
        _url("client_create"),
        valid={
            "first_name": "Wren",
            "last_name": "Walker",
            "email": "wren@example.com",
            "phone": "07700 900123",
        },
    ),
    "client_edit": T("desk", _url("client_edit", "ann_profile.public_id")),
    "library_search": T("anonymous", _url("library:search"), method="get", has_field="q"),
    "admin_service": T("clinic_admin", _url("admin:clinic_service_change", "service.pk")),
    "admin_therapist": T("clinic_admin", _url("admin:clinic_therapist_change", "carer.pk")),
    "admin_condition": T("clinic_admin", _url("admin:intake_condition_change", "condition.pk")),
    "admin_article": T("clinic_admin", _url("admin:library_article_change", "article.pk")),
    "admin_closure": T("clinic_admin", _url("admin:clinic_closure_change", "closure.pk")),
    # Another client's objects, named in the URL: refused, nothing written.
    "other_cancel": T("other", _url("bookings:cancel", "appointment.pk"), form_role="ann"),
    "other_reschedule": T(
        "other", _url("bookings:reschedule", "appointment.pk", query=_move_day), form_role="ann"
    ),
    "stranger_amend": T("stranger", _url("bookings:visit_amend", "visit.pk"), form_role="carer"),
    "stranger_review": T("stranger", _url("intake:review", "intake.public_id"), form_role="carer"),
}


# Regression examples: each a bug this file found, kept so it stays fixed.
EXAMPLES: dict[str, list[list[tuple[Any, Any]]]] = {
    # The admin's autocomplete widget looked a non-number up to show the form again: 500.
    "admin_article": [[("tags", SCRIPT)], [("not_for", "9223372036854775808")]],
    "admin_therapist": [[("user", "' OR '1'='1")]],
    # PostgreSQL refused NUL in text with an error: now refused before any view (400).
    "intake_step_1": [[("goals", "a\x00b")], [("pain_onset", "2026-02-30")]],
    "visit_edit": [[("notes", "x\x00"), ("pain_score", "NaN")]],
    "client_edit": [[("first_name", "\ud800"), ("email", b"\xff\xfe")]],
    "library_search": [[("q", "\x00")], [("q", "x\udfffy")]],
    "plan_move": [[("index", "9223372036854775808")]],
    "clearance": [[("document", SCRIPT)], [("document", "a\x00b")], [("codes", "\x00")]],
}


def _make_test(key):
    target = TARGETS[key]

    def test(self, chosen):
        self.check(target, chosen)

    for chosen in reversed(EXAMPLES.get(key, [])):
        test = example(chosen=chosen)(test)
    test = HOSTILE(given(chosen=picks)(test))
    test.__name__ = test.__qualname__ = f"test_hostile_{key}"
    return test


for _key in TARGETS:
    setattr(HostileInputTests, f"test_hostile_{_key}", _make_test(_key))
