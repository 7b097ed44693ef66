from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "radiology_guide.core"
    verbose_name = _("Clinic and site")

    def ready(self):
        from radiology_guide.core import checks, signals  # noqa: F401
