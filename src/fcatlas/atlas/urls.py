from django.urls import path

from . import views

urlpatterns = [
    path("", views.start, name="start"),
    path("hitta/", views.find_centre, name="find-centre"),
    path("hitta/enheter.geojson", views.found_units_geojson, name="find-centre-units"),
    path("om/", views.about, name="about"),
    path("hjalp/", views.help_page, name="help"),
    path("kontakt/", views.contact, name="contact"),
    path("personuppgifter/", views.privacy, name="privacy"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("region/", views.region_list, name="region-list"),
    path("region/<str:code>/", views.region_detail, name="region-detail"),
    path("kommun/", views.municipality_list, name="municipality-list"),
    path("kommun/<str:code>/", views.municipality_detail, name="municipality-detail"),
]
