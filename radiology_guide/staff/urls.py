from django.contrib.auth import views as auth_views
from django.urls import path

from radiology_guide.staff import appointments, dashboard, inbox, links

app_name = "staff"

urlpatterns = [
    path("", links.send, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="staff/sign_in.html", next_page="staff:home"),
        name="sign_in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(next_page="staff:sign_in"), name="sign_out"),
    path("links/", links.link_list, name="links"),
    path("links/<int:pk>/", links.link_detail, name="link"),
    path("links/<int:pk>/revoke/", links.revoke, name="revoke"),
    path("links/<int:pk>/appointment/", appointments.appointment, name="appointment"),
    path("links/<int:pk>/reminders/<int:message_pk>/cancel/", appointments.cancel_reminder, name="cancel_reminder"),
    path("links/<int:pk>/leaflet/", links.leaflet, name="leaflet"),
    path("links/<int:pk>/qr.<str:kind>", links.qr_code, name="qr"),
    path("enquiries/", inbox.inbox, name="inbox"),
    path("enquiries/<str:reference>/", inbox.enquiry_detail, name="enquiry"),
    path("enquiries/<str:reference>/<str:action>/", inbox.enquiry_action, name="enquiry_action"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
