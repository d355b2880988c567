from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic import accounts, roles
from clinic.access import get_client_for_staff, get_own_profile, no_store
from clinic.forms import (
    ChoosePasswordForm,
    ClientProfileForm,
    ClientSearchForm,
    LoginForm,
    SignUpForm,
)
from clinic.models import ClientProfile, User
from clinic.security.ratelimit import rate_limited


def _invited_address(request, public_id):
    """Invitations count per address invited, so no inbox is flooded."""
    client = ClientProfile.objects.filter(public_id=public_id).only("email").first()
    return client.email if client is not None else ""


def _changes_own_address(request):
    """A profile save that changes the address sends a confirmation e-mail: that counts."""
    client = ClientProfile.objects.filter(user=request.user).only("email").first()
    posted = str(request.POST.get("email", "")).strip().lower()
    return client is not None and posted != client.email.lower()


class LoginView(auth_views.LoginView):
    """Django's log-in, sending each role to its own start page unless ``next`` is given."""

    authentication_form = LoginForm

    def get_default_redirect_url(self):
        return resolve_url(roles.start_page(self.request.user))


@no_store
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("signup")
def signup(request):
    """Ask for a link; the page says the same whether or not the address has an account."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.request_signup(**form.cleaned_data)
        return render(
            request,
            "registration/signup_sent.html",
            {"email": form.cleaned_data["email"], "hours": accounts.link_hours()},
        )
    return render(request, "registration/signup.html", {"form": form})


@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def signup_finish(request, token):
    """The e-mailed link: choose a password, and the account (with its profile) is made."""
    try:
        link = accounts.read_signup_token(token)
    except accounts.LinkInvalid:
        return render(request, "registration/link_invalid.html", {"kind": "signup"})
    name = link.profile or link
    form = ChoosePasswordForm(
        request.POST or None,
        user=User(email=link.email, first_name=name.first_name, last_name=name.last_name),
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.finish_signup(link, password=form.cleaned_data["password1"])
        except accounts.AccountExists:
            return render(request, "registration/link_invalid.html", {"kind": "signup"})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            "Welcome! Your account is ready. Check your details below so your therapist "
            "can reach you.",
        )
        return redirect("profile")
    return render(
        request,
        "registration/signup_finish.html",
        {"form": form, "email": link.email, "invited": link.profile is not None},
    )


@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request, token):
    """The link sent to a new address; a button, so a mail scanner's visit confirms nothing."""
    try:
        client = accounts.read_confirm_token(token)
    except accounts.LinkInvalid:
        return render(request, "registration/link_invalid.html", {"kind": "confirm"})
    if request.method == "POST":
        accounts.confirm_email(client, by=request.user)
        return render(request, "registration/email_confirmed.html", {"email": client.email})
    return render(request, "registration/confirm_email.html", {"email": client.email})


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("confirm_email", when=_changes_own_address)
def profile(request):
    client = get_own_profile(request)
    form = ClientProfileForm(request.POST or None, instance=client, submit_label="Save my details")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your details are saved.")
        return redirect("profile")
    return render(request, "clinic/profile.html", {"form": form, "client": client})


@login_required
@permission_required("clinic.view_clientprofile", raise_exception=True)
@no_store
@require_safe
def client_list(request):
    form = ClientSearchForm(request.GET or None)
    # A closed account keeps only what the law asks for: nobody is booked under it again.
    clients = ClientProfile.objects.not_closed().select_related("user")
    if form.is_valid():
        clients = clients.search(form.cleaned_data["q"])
    page = Paginator(clients, 25).get_page(request.GET.get("page"))
    return render(request, "clinic/client_list.html", {"form": form, "page": page})


@login_required
@permission_required("clinic.add_clientprofile", raise_exception=True)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def client_create(request):
    form = ClientProfileForm(
        request.POST or None, submit_label="Register client", desk=True, check_duplicates=True
    )
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        client = form.save()
        messages.success(request, f"{client.full_name} is registered.")
        return redirect(client)
    return render(request, "clinic/client_form.html", {"form": form, "client": None})


@login_required
@permission_required("clinic.change_clientprofile", raise_exception=True)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def client_edit(request, public_id):
    client = get_client_for_staff(request, public_id)
    form = ClientProfileForm(
        request.POST or None, instance=client, submit_label="Save changes", desk=True
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{client.full_name}'s details are saved.")
        return redirect(client)
    return render(request, "clinic/client_form.html", {"form": form, "client": client})


@login_required
@permission_required("clinic.change_clientprofile", raise_exception=True)
@no_store
@require_POST
@rate_limited("invitation", address=_invited_address)
def client_invite(request, public_id):
    """Front desk e-mails a registered client a link to set up their own account."""
    client = get_client_for_staff(request, public_id)
    if client.user_id:
        messages.info(request, f"{client.full_name} already has an online account.")
    elif not client.email:
        messages.error(request, "Add the client's e-mail address first; the link goes there.")
    elif User.objects.filter(email__iexact=client.email).exists():
        messages.error(
            request,
            "An online account already uses this address, so an invitation could not work. "
            "Check the address with the client; an owner can join this record to that account.",
        )
    else:
        accounts.send_invitation(client)
        messages.success(
            request,
            f"We have e-mailed {client.email} a link to set up an online account. "
            f"It works for {accounts.link_hours()} hours.",
        )
    return redirect(client)


@require_safe
def healthz(request):
    """A trivial page: the application answers, with no database work. For a load
    balancer's health check, and the baseline ``manage.py bench`` compares pages with."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@require_safe
def healthz_page(request):
    """The trivial page with the site's layout: ``base.html`` (navigation, footer,
    context processors) and no query for an anonymous visitor. ``manage.py bench``
    compares the pages with it as well as with ``healthz``: it is what any page of
    this stack costs before its own work."""
    return render(request, "clinic/healthz.html")
