from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import views
from clinic.forms import PasswordResetForm
from clinic.security import views as security
from clinic.security.ratelimit import rate_limited

admin.site.site_header = "Clinic back office"
admin.site.site_title = "Clinic back office"
admin.site.index_title = "Run the clinic"

urlpatterns = [
    # Home, the dashboards and front desk's client page (clinic/pages/, the top layer).
    path("", include("clinic.pages.urls")),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/<str:token>/", views.signup_finish, name="signup_finish"),
    path("accounts/confirm-email/<str:token>/", views.confirm_email, name="confirm_email"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/two-factor/", security.overview, name="two_factor"),
    path("accounts/two-factor/set-up/", security.setup, name="two_factor_setup"),
    path("accounts/two-factor/code/", security.verify, name="two_factor_verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        security.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("accounts/two-factor/turn-off/", security.turn_off, name="two_factor_turn_off"),
    path("accounts/sessions/", security.session_list, name="sessions"),
    path("accounts/sessions/end/", security.session_end, name="session_end"),
    # Before Django's auth URLs, which they replace: their forms check lengths and build
    # reset links from SITE_URL.
    path(
        "accounts/login/",
        views.LoginView.as_view(),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        rate_limited("password_reset")(
            auth_views.PasswordResetView.as_view(form_class=PasswordResetForm)
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<uuid:public_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<uuid:public_id>/invite/", views.client_invite, name="client_invite"),
    path("intake/", include("intake.urls")),
    path("bookings/", include("bookings.urls")),
    path("library/", include("library.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", views.healthz, name="healthz"),
    path("healthz/page/", views.healthz_page, name="healthz_page"),
]
