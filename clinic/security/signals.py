"""Sign-in events into the log, and the sessions that end with a password change or a
switched-off account."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from clinic.access import axes_username
from clinic.models import SignInEvent, User
from clinic.security import events, sessions, twofactor


@receiver(user_logged_in, dispatch_uid="clinic.security.logged_in")
def logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    sessions.signed_in(request, user)
    twofactor.note_in_session(request, user)
    events.record(SignInEvent.Kind.SIGNED_IN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="clinic.security.logged_out")
def logged_out(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sessions.forget(request.session.session_key)
    if user is not None:
        events.record(SignInEvent.Kind.SIGNED_OUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="clinic.security.login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    email = axes_username(request, credentials) or ""
    events.record(SignInEvent.Kind.FAILED, request=request, email=email)


@receiver(user_locked_out, dispatch_uid="clinic.security.locked_out")
def locked_out(sender, request, username, ip_address, **kwargs):
    events.record(SignInEvent.Kind.LOCKED_OUT, request=request, email=(username or "")[:254])


@receiver(pre_save, sender=User, dispatch_uid="clinic.security.user_before")
def user_before(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._security_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    instance._security_before = (
        User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    )


@receiver(post_save, sender=User, dispatch_uid="clinic.security.user_after")
def user_after(sender, instance, created, raw=False, **kwargs):
    """A new password or a switched-off account ends every session of the account.

    Changing one's own password keeps the session it was changed in: Django's
    ``update_session_auth_hash`` (which the password pages call) moves that session to a
    new key after this, as it always does.
    """
    before = getattr(instance, "_security_before", None)
    instance._security_before = None
    if created or raw or before is None:
        return
    reasons = []
    if before["password"] != instance.password:
        reasons.append("password changed")
    if before["is_active"] and not instance.is_active:
        reasons.append("account switched off")
    if reasons:
        sessions.end_sessions(instance, reason=", ".join(reasons))
