from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/<str:step>/", views.act, name="act"),
    path("questions/", views.question_list, name="questions"),
    path("questions/<int:pk>/", views.question_detail, name="question"),
    path("questions/<int:pk>/<str:step>/", views.question_act, name="question_act"),
]
