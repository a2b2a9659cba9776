from django.urls import path

from . import api

urlpatterns = [
    path("calendar/add/", api.AddView.as_view(), name="calendar-add"),
    path("calendar/count/", api.CountView.as_view(), name="calendar-count"),
    path("calendar/year/", api.YearView.as_view(), name="calendar-year"),
]
