from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "radiology_guide.guide"
    verbose_name = "Guide content"

    def ready(self):
        from radiology_guide.guide import signals  # noqa: F401
