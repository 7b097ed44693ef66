from django.urls import path

from radiology_guide.enquiries import plan_views, receipts, views

app_name = "enquiries"

urlpatterns = [
    path("enquire/", views.enquire, name="form"),
    path("enquire/sent/<str:reference>/", views.sent, name="sent"),
    path("e/", views.link_code, name="link_code"),
    path("e/<str:token>", views.link_landing, name="link"),
    path("e/<str:token>/plan/", plan_views.plan_page, name="plan"),
    path("e/<str:token>/plan.ics", plan_views.plan_ics, name="plan_ics"),
    path("notify/callback/", receipts.notify_callback, name="notify_callback"),
]
