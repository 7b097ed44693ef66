from django.urls import path

from radiology_guide.images import views

app_name = "images"

urlpatterns = [path("<path:name>", views.media, name="media")]
