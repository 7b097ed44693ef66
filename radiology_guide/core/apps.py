from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "radiology_guide.core"
    verbose_name = "Clinic and site"

    def ready(self):
        from radiology_guide.core import checks, signals  # noqa: F401
