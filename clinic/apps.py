from django.apps import AppConfig


class ClinicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from clinic import cached
        from clinic.security import signals  # noqa: F401  (connects the receivers)

        # Saving or deleting what clinic.cached keeps forgets it.
        cached.connect()
