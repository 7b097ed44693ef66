from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "radiology_guide.staff"
    label = "staff"
    verbose_name = "Staff area"
