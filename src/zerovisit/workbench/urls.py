from django.urls import path

from . import views

app_name = "workbench"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("online-duty/", views.online_duty, name="online_duty"),
    path("ledger/", views.ledger, name="ledger"),
    path("cases/<str:number>/", views.case_detail, name="case_detail"),
    path("cases/<str:number>/<str:step>/", views.act, name="act"),
]
