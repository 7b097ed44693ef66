from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "radiology_guide.images"
    verbose_name = "Image library"
