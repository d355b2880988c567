"""Proving an e-mail address: sign-up links, invitations and address confirmations.

A client profile is linked to an account only when the person follows a link sent to the
profile's address (DESIGN.md, "A client profile"). Links are signed and expire
(``ACCOUNT_LINK_MAX_AGE_HOURS``); each is single-use because it is valid only while the
state it changes is unchanged: a sign-up link while no account has the address, an
invitation while the profile has no account, a confirmation while the address is not yet
confirmed. Nothing is stored until the link is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from clinic import sites
from clinic.models import AccountEvent, ClientProfile, Role, User
from clinic.tasks import send_account_email

SIGNUP_SALT = "clinic.accounts.signup"
CONFIRM_SALT = "clinic.accounts.confirm-email"


class LinkInvalid(Exception):
    """The link is broken, expired, or was already used."""


class AccountExists(Exception):
    """Someone (perhaps another tab) has just made the account for this address."""


def link_hours():
    return settings.ACCOUNT_LINK_MAX_AGE_HOURS


def _max_age():
    return link_hours() * 3600


def _absolute(path):
    return sites.absolute_url(path)


def _send(kind, *, to, context):
    """Queue the e-mail once the transaction that decided it is committed."""
    transaction.on_commit(lambda: send_account_email.enqueue(kind, to=to, context=context))


# --- Sign-up and invitations -----------------------------------------------------------


@dataclass(frozen=True)
class SignupLink:
    email: str
    first_name: str
    last_name: str
    profile: ClientProfile | None


def signup_token(*, email, first_name="", last_name="", profile=None) -> str:
    payload = {"e": email.lower(), "f": first_name, "l": last_name}
    if profile is not None:
        payload["p"] = str(profile.public_id)
    return signing.dumps(payload, salt=SIGNUP_SALT, compress=True)


def read_signup_token(token) -> SignupLink:
    """The link's content, or :class:`LinkInvalid` if it expired or was used."""
    try:
        data = signing.loads(token, salt=SIGNUP_SALT, max_age=_max_age())
        email = data["e"]
    except (signing.BadSignature, KeyError, TypeError):
        raise LinkInvalid from None
    if User.objects.filter(email__iexact=email).exists():
        raise LinkInvalid  # used: the account exists
    profile = None
    if data.get("p"):
        profile = ClientProfile.objects.filter(public_id=data["p"]).first()
        # The profile must still be unlinked and still carry the address we wrote to.
        if profile is None or profile.user_id or profile.email.lower() != email:
            raise LinkInvalid
    return SignupLink(email, data.get("f", ""), data.get("l", ""), profile)


def request_signup(*, email, first_name, last_name) -> None:
    """E-mail a sign-up link, or a note that the account exists: the page says the same."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        _send(
            "account_exists",
            to=email,
            context={"login_url": _absolute(reverse("login")),
                     "reset_url": _absolute(reverse("password_reset"))},
        )  # fmt: skip
        return
    token = signup_token(email=email, first_name=first_name, last_name=last_name)
    _send(
        "signup_link",
        to=email,
        context={"link": _absolute(reverse("signup_finish", args=[token])),
                 "first_name": first_name, "hours": settings.ACCOUNT_LINK_MAX_AGE_HOURS},
    )  # fmt: skip


def send_invitation(profile) -> None:
    """Front desk invites a client it registered to set up an online account."""
    token = signup_token(email=profile.email, profile=profile)
    _send(
        "invitation",
        to=profile.email,
        context={"link": _absolute(reverse("signup_finish", args=[token])),
                 "first_name": profile.first_name, "hours": settings.ACCOUNT_LINK_MAX_AGE_HOURS},
    )  # fmt: skip


def _profile_for(link: SignupLink) -> ClientProfile:
    """The profile the proven address opens: the invited one, else the only unlinked one."""
    if link.profile is not None:
        return ClientProfile.objects.select_for_update().get(pk=link.profile.pk)
    unlinked = list(
        ClientProfile.objects.select_for_update().filter(
            user__isnull=True, email__iexact=link.email
        )[:2]
    )
    if len(unlinked) == 1:
        return unlinked[0]
    # None, or several people share the address: a profile of one's own; front desk can
    # send an invitation from the right profile to link it.
    return ClientProfile(first_name=link.first_name, last_name=link.last_name, email=link.email)


def finish_signup(link: SignupLink, *, password) -> User:
    """Create the account the link proves, linked to its profile; single use.

    Raises :class:`AccountExists` when another request made the account first.
    """
    try:
        with transaction.atomic():
            profile = _profile_for(link)
            if profile.user_id:
                raise AccountExists
            user = User.objects.create_user(
                link.email,
                password,
                first_name=profile.first_name or link.first_name,
                last_name=profile.last_name or link.last_name,
            )
            user.groups.add(Group.objects.get(name=Role.CLIENT))
            linked_existing = profile.pk is not None
            profile.user = user
            profile.email = profile.email or link.email
            profile.email_confirmed = link.email
            profile.save()
            AccountEvent.record(
                actor=user,
                target=user,
                action=AccountEvent.Action.ACCOUNT_CREATED,
                detail="linked to the profile front desk made" if linked_existing else "",
            )
    except IntegrityError:
        raise AccountExists from None
    return user


# --- Confirming a changed address ------------------------------------------------------


def confirm_token(profile) -> str:
    return signing.dumps(
        {"c": str(profile.public_id), "e": profile.email.lower()}, salt=CONFIRM_SALT
    )


def read_confirm_token(token) -> ClientProfile:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=_max_age())
        profile = ClientProfile.objects.filter(public_id=data["c"]).first()
        email = data["e"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkInvalid from None
    if profile is None or profile.email.lower() != email:
        raise LinkInvalid  # the address changed again since
    if profile.email_confirmed.lower() == email:
        raise LinkInvalid  # used
    return profile


def confirm_email(profile, *, by=None) -> bool:
    """Mark the profile's current address as proven; ``False`` if it already was."""
    changed = (
        ClientProfile.objects.filter(pk=profile.pk, email=profile.email)
        .exclude(email_confirmed__iexact=profile.email)
        .update(email_confirmed=profile.email)
    )
    if changed:
        AccountEvent.record(
            actor=by,
            target=profile.user,
            target_email=profile.email,
            action=AccountEvent.Action.EMAIL_CONFIRMED,
        )
    return bool(changed)


def _mask(address):
    name, _, domain = address.partition("@")
    return f"{name[:1]}…@{domain}" if domain else "…"


def email_changed(profile, *, old_email) -> None:
    """Tell the old address it was replaced; ask the new one to confirm itself."""
    new_email = profile.email
    messages = []
    if old_email and old_email.lower() != new_email.lower():
        messages.append(
            ("email_changed", old_email, {"new_masked": _mask(new_email) if new_email else ""})
        )
    if new_email and new_email.lower() != profile.email_confirmed.lower():
        link = _absolute(reverse("confirm_email", args=[confirm_token(profile)]))
        messages.append(
            ("confirm_email", new_email,
             {"link": link, "first_name": profile.first_name,
              "hours": settings.ACCOUNT_LINK_MAX_AGE_HOURS}),
        )  # fmt: skip
    for kind, to, context in messages:
        _send(kind, to=to, context=context)
