from django.urls import path

from .views import units

urlpatterns = [
    path("enheter/", units.unit_list, name="unit-list"),
    path("enheter/ny/", units.unit_create, name="unit-create"),
    path("enheter/<int:pk>/", units.unit_detail, name="unit-detail"),
    path("enheter/<int:pk>/andra/", units.unit_edit, name="unit-edit"),
]
