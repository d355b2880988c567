from django.urls import path

from bookings import views
from bookings.urls_messages import urlpatterns as message_urlpatterns

app_name = "bookings"

urlpatterns = [
    path("", views.book, name="book"),
    path("confirm/", views.confirm, name="confirm"),
    path("mine/", views.my_appointments, name="my_appointments"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment_detail"),
    path("appointments/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("appointments/<int:pk>/move/", views.reschedule, name="reschedule"),
    path("appointments/<int:pk>/no-show/", views.mark_no_show, name="mark_no_show"),
    path("appointments/<int:pk>/release/", views.release_hold, name="release_hold"),
    path("appointments/<int:pk>/visit/", views.record_visit, name="record_visit"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/review/", views.plan_review, name="plan_review"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/change/", views.plan_change, name="plan_change"),
    path("plans/<int:pk>/maintenance/", views.plan_maintenance, name="plan_maintenance"),
    path("week/", views.therapist_week, name="therapist_week"),
    path("desk/", views.front_desk_day, name="front_desk_day"),
]

# The pre-visit check-in and the calendar feed.
urlpatterns += message_urlpatterns
