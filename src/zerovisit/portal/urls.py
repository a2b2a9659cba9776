from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("items/", views.item_list, name="item_list"),
    path("items/<str:impl_code>/", views.item_guide, name="item_guide"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("display/large-text/", views.large_text, name="large_text"),
]
