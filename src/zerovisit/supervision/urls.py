from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("supervision/", views.dashboard, name="dashboard"),
    path("supervision/report.xlsx", views.report_xlsx, name="report"),
    path("supervision/alerts/", views.alert_list, name="alerts"),
    path("supervision/alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("figures/", views.public_figures, name="public_figures"),
]
