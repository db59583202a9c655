from django.contrib import admin
from django.urls import include, path

from fcatlas.accounts.admin import site as admin_site
from fcatlas.api.api import api
from fcatlas.api.docs import api_docs
from fcatlas.api.hsds import hsds_api

admin.autodiscover()  # the apps' admin modules register their models on fcatlas's own admin site

urlpatterns = [
    path("", include("fcatlas.atlas.urls")),
    path("", include("fcatlas.registry.urls")),
    path("", include("fcatlas.accounts.urls")),
    path("", include("fcatlas.planning.urls")),
    path("", include("fcatlas.survey.urls")),
    path("", include("fcatlas.support.urls")),
    path("", include("fcatlas.reports.urls")),
    path("api/", api_docs, name="api-docs"),
    path("api/v1/", api.urls),
    path("api/hsds/", hsds_api.urls),
    path("admin/", admin_site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
