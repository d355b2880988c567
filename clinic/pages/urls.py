from django.urls import path

from clinic.pages import views

# Not namespaced: the names are the ones the pages always had.
urlpatterns = [
    path("", views.home, name="home"),
    path("clients/<uuid:public_id>/", views.client_detail, name="client_detail"),
    path("today/", views.therapist_today, name="therapist_today"),
    path("dashboard/", views.client_dashboard, name="client_dashboard"),
]
