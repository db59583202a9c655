from django.urls import path

from .views import units
from .views import imports

urlpatterns = [
    path("enheter/", units.unit_list, name="unit-list"),
    path("enheter/ny/", units.unit_create, name="unit-create"),
    path("enheter/<int:pk>/", units.unit_detail, name="unit-detail"),
    path("enheter/<int:pk>/andra/", units.unit_edit, name="unit-edit"),
    path("enheter/import/", imports.import_units, name="unit-import"),
]
