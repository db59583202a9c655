from django.urls import include, path

from fcatlas.api.api import api

urlpatterns = [
    path("", include("fcatlas.atlas.urls")),
    path("", include("fcatlas.registry.urls")),
    path("", include("fcatlas.accounts.urls")),
    path("", include("fcatlas.planning.urls")),
    path("api/v1/", api.urls),
]
