from django.urls import path

from .views import imports, units

urlpatterns = [
    path("enheter/", units.unit_list, name="unit-list"),
    path("enheter/ny/", units.unit_create, name="unit-create"),
    path("enheter/<int:pk>/", units.unit_detail, name="unit-detail"),
    path("enheter/<int:pk>/andra/", units.unit_edit, name="unit-edit"),
    path("enheter/<int:pk>/ta-bort/", units.unit_remove, name="unit-remove"),
    path("enheter/historik/<int:number>/", units.unit_history, name="unit-history"),
    path("enheter/import/", imports.import_units, name="unit-import"),
    path("enheter/import/jobb/<int:pk>/", imports.import_job, name="unit-import-job"),
]
