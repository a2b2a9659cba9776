from django.urls import path

from . import views, window_views

app_name = "workbench"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("online-duty/", views.online_duty, name="online_duty"),
    path("ledger/", views.ledger, name="ledger"),
    path("window/", window_views.window_start, name="window_start"),
    path("window/<str:impl_code>/", window_views.window_apply, name="window_apply"),
    path("cases/<str:number>/", views.case_detail, name="case_detail"),
    path("cases/<str:number>/<str:step>/", views.act, name="act"),
]
