"""Accounts: the user (the e-mail is the log-in) and the four roles."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower


class Role(models.TextChoices):
    """The four roles; each is a group of the same name with its permissions."""

    CLIENT = "Client"
    THERAPIST = "Therapist"
    FRONT_DESK = "Front desk"
    CLINIC_ADMIN = "Clinic admin"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # Log-in is case-insensitive: Ann@Example.com and ann@example.com are one person.
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person who logs in, identified by e-mail address."""

    username = None
    email = models.EmailField("e-mail address", unique=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    @cached_property
    def role_names(self):
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role):
        return self.is_active and role in self.role_names

    @property
    def is_client(self):
        return self.has_role(Role.CLIENT)

    @property
    def is_therapist(self):
        return self.has_role(Role.THERAPIST)

    @property
    def is_front_desk(self):
        return self.has_role(Role.FRONT_DESK)

    @property
    def is_clinic_admin(self):
        return self.has_role(Role.CLINIC_ADMIN) or self.is_superuser
