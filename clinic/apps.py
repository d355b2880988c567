from django.apps import AppConfig


class ClinicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from clinic.security import signals  # noqa: F401  (connects the receivers)
