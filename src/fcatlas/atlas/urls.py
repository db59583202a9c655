from django.urls import path

from . import views

urlpatterns = [
    path("", views.start, name="start"),
    path("region/", views.region_list, name="region-list"),
    path("region/<str:code>/", views.region_detail, name="region-detail"),
    path("kommun/", views.municipality_list, name="municipality-list"),
    path("kommun/<str:code>/", views.municipality_detail, name="municipality-detail"),
]
