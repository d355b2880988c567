from django.urls import path

from clinic.pages import privacy, views

# Not namespaced: the names are the ones the pages always had.
urlpatterns = [
    path("", views.home, name="home"),
    path("clients/<uuid:public_id>/", views.client_detail, name="client_detail"),
    path("today/", views.therapist_today, name="therapist_today"),
    path("dashboard/", views.client_dashboard, name="client_dashboard"),
    # A client's own copy of their data, and closing their account (clinic/pages/privacy.py).
    path("accounts/profile/my-data/", privacy.my_data, name="my_data"),
    path("accounts/profile/close/", privacy.close_account_request, name="close_account"),
    path("clients/<uuid:public_id>/copy/", privacy.client_export, name="client_export"),
    path("owners/closures/", privacy.closure_requests, name="closure_requests"),
    path(
        "owners/closures/<uuid:public_id>/confirm/",
        privacy.closure_confirm,
        name="closure_confirm",
    ),
]
