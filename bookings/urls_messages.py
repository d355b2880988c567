"""URLs for the check-in and the calendar feed; bookings/urls.py adds them to its own."""

from django.urls import path

from bookings import views_messages

urlpatterns = [
    path("checkin/<slug:token>/", views_messages.checkin_view, name="checkin"),
    path("checkin/<slug:token>/result/", views_messages.checkin_result, name="checkin_result"),
    path("feed/", views_messages.feed_settings, name="feed_settings"),
    path("feed/rotate/", views_messages.feed_rotate, name="feed_rotate"),
    path("feed/revoke/", views_messages.feed_revoke, name="feed_revoke"),
    path("feed/<slug:token>.ics", views_messages.feed, name="feed"),
]
