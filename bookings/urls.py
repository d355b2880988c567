from django.urls import path

from bookings.views import (
    aftercare,
    appointments,
    booking,
    checkin,
    daycheck,
    feed,
    plan_review,
    plans,
    schedules,
)

app_name = "bookings"

urlpatterns = [
    path("", booking.book, name="book"),
    path("confirm/", booking.confirm, name="confirm"),
    path("mine/", appointments.my_appointments, name="my_appointments"),
    path("appointments/<int:pk>/", appointments.appointment_detail, name="appointment_detail"),
    path("appointments/<int:pk>/cancel/", appointments.cancel, name="cancel"),
    path("appointments/<int:pk>/move/", appointments.reschedule, name="reschedule"),
    path("appointments/<int:pk>/no-show/", appointments.mark_no_show, name="mark_no_show"),
    path("appointments/<int:pk>/release/", appointments.release_hold, name="release_hold"),
    path("appointments/<int:pk>/visit/", appointments.record_visit, name="record_visit"),
    path("appointments/<int:pk>/day-check/", daycheck.desk_day_check, name="desk_day_check"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/review/", plan_review.plan_review, name="plan_review"),
    path("plans/review/drop/", plan_review.plan_drop, name="plan_drop"),
    path("plans/review/move/", plan_review.plan_move, name="plan_move"),
    path("plans/review/confirm/", plan_review.plan_confirm, name="plan_confirm"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/change/", plans.plan_change, name="plan_change"),
    path("plans/<int:pk>/maintenance/", plans.plan_maintenance, name="plan_maintenance"),
    path("week/", schedules.therapist_week, name="therapist_week"),
    path("desk/", schedules.front_desk_day, name="front_desk_day"),
    path("checkin/<slug:token>/", checkin.checkin_view, name="checkin"),
    path("checkin/<slug:token>/result/", checkin.checkin_result, name="checkin_result"),
    path("aftercare/<slug:token>/", aftercare.aftercare_view, name="aftercare"),
    path("feed/", feed.feed_settings, name="feed_settings"),
    path("feed/rotate/", feed.feed_rotate, name="feed_rotate"),
    path("feed/revoke/", feed.feed_revoke, name="feed_revoke"),
    path("feed/<slug:token>.ics", feed.feed, name="feed"),
]
