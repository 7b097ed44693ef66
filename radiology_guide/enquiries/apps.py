from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "radiology_guide.enquiries"
    verbose_name = "Enquiries"
