from django.urls import path

from radiology_guide.staff import mfa

app_name = "mfa"

urlpatterns = [
    path("setup/", mfa.setup, name="setup"),
    path("verify/", mfa.verify, name="verify"),
    path("recovery-codes.txt", mfa.recovery_codes_text, name="recovery_codes"),
]
