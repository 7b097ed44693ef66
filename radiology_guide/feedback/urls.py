from django.urls import path

from radiology_guide.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.answer, name="answer"),
    path("thanks/<str:token>/", views.thanks, name="thanks"),
]
