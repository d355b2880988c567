from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The pages that combine apps; an app of its own so ``seed_demo`` is a command."""

    name = "clinic.pages"
    label = "pages"
    verbose_name = "Pages"
