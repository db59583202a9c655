from django.urls import path

from . import views

urlpatterns = [
    path("oversikt/", views.overview, name="overview"),
    path("oversikt/enheter.geojson", views.overview_units_geojson, name="overview-units"),
    path("oversikt/figur/<slug:figure_id>.svg", views.overview_figure, name="overview-figure"),
    path("stod/sammanstallning/", views.support_summary, name="support-summary"),
    path("rapporter/", views.report_list, name="report-list"),
    path("rapporter/ny/", views.report_create, name="report-create"),
    path("rapporter/<int:pk>/", views.report_detail, name="report-detail"),
    path("rapporter/<int:pk>/text/", views.report_texts, name="report-texts"),
    path("rapporter/<int:pk>/faststall/", views.report_issue, name="report-issue"),
    path("rapporter/<int:pk>/fil/", views.report_file_request, name="report-file-request"),
    path("rapporter/<int:pk>/figur/<slug:figure_id>.svg", views.report_figure, name="report-figure"),
    path("rapporter/filer/<int:pk>/", views.report_file, name="report-file"),
    path("<str:kind>/<str:code>/profil/", views.profile, name="profile"),
    path("<str:kind>/<str:code>/profil/pdf/", views.profile_pdf, name="profile-pdf"),
    path("<str:kind>/<str:code>/profil/figur/<slug:figure_id>.svg", views.profile_figure, name="profile-figure"),
]
