from django.urls import path

from radiology_guide.enquiries import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
    path("links/", staff_views.link_list, name="links"),
    path("links/<int:pk>/", staff_views.link_detail, name="link"),
    path("links/<int:pk>/revoke/", staff_views.revoke, name="revoke"),
    path("links/<int:pk>/qr.<str:kind>", staff_views.qr_code, name="qr"),
]
