from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from clinic.access import no_store
from clinic.forms import ClientProfileForm, ClientSearchForm, SignUpForm
from clinic.models import ClientProfile, Service, Therapist
from intake.eligibility import public_status


def _get_own_profile(request):
    try:
        return request.user.client_profile
    except ClientProfile.DoesNotExist:
        raise Http404("No client profile for this account.") from None


def _get_client_for_staff(request, public_id):
    return get_object_or_404(ClientProfile.objects.select_related("user"), public_id=public_id)


@require_safe
def home(request):
    services = (
        Service.objects.active().select_related("technique").order_by("is_reassessment", "name")
    )
    therapists = Therapist.objects.active().select_related("user").prefetch_related("techniques")
    return render(
        request,
        "clinic/home.html",
        {"services": services, "therapists": therapists},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            "Welcome! Your account is ready. Next, add your details below so your "
            "therapist can reach you.",
        )
        return redirect("profile")
    return render(request, "registration/signup.html", {"form": form})


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    client = _get_own_profile(request)
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
    clients = ClientProfile.objects.select_related("user")
    if form.is_valid():
        clients = clients.search(form.cleaned_data["q"])
    page = Paginator(clients, 25).get_page(request.GET.get("page"))
    return render(request, "clinic/client_list.html", {"form": form, "page": page})


@login_required
@permission_required("clinic.add_clientprofile", raise_exception=True)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def client_create(request):
    form = ClientProfileForm(request.POST or None, submit_label="Register client")
    if request.method == "POST" and form.is_valid():
        client = form.save(commit=False)
        client.created_by = request.user
        client.save()
        messages.success(request, f"{client.full_name} is registered.")
        return redirect(client)
    return render(request, "clinic/client_form.html", {"form": form, "client": None})


@login_required
@permission_required("clinic.view_clientprofile", raise_exception=True)
@no_store
@require_safe
def client_detail(request, public_id):
    client = _get_client_for_staff(request, public_id)
    # Front desk and therapists see only whether the health form is in order, never why.
    return render(
        request,
        "clinic/client_detail.html",
        {"client": client, "health_status": public_status(client)},
    )


@login_required
@permission_required("clinic.change_clientprofile", raise_exception=True)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def client_edit(request, public_id):
    client = _get_client_for_staff(request, public_id)
    form = ClientProfileForm(request.POST or None, instance=client, submit_label="Save changes")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{client.full_name}'s details are saved.")
        return redirect(client)
    return render(request, "clinic/client_form.html", {"form": form, "client": client})
