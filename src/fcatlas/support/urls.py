from django.urls import path

from . import views

urlpatterns = [
    path("stod/", views.support_home, name="support-home"),
    path("stod/insatser/", views.activity_list, name="support-activities"),
    path("stod/insatser/ny/", views.activity_create, name="support-activity-create"),
    path("stod/insatser/<int:pk>/", views.activity_detail, name="support-activity"),
    path("stod/insatser/<int:pk>/andra/", views.activity_edit, name="support-activity-edit"),
    path("stod/sjalvskattning/", views.assessment_units, name="support-assessments"),
    path("stod/sjalvskattning/enhet/<int:unit>/", views.unit_assessment, name="support-unit-assessment"),
    path("stod/sjalvskattning/enhet/<int:unit>/ny/", views.assessment_start, name="support-assessment-start"),
    path("stod/sjalvskattning/omgang/<int:pk>/", views.assessment_round, name="support-assessment-round"),
    path("stod/kunskapsbank/", views.library_page, name="support-library"),
    path("stod/kunskapsbank/ny/", views.article_create, name="support-article-create"),
    path("stod/kunskapsbank/<slug:slug>/", views.article_detail, name="support-article"),
    path("stod/kunskapsbank/<slug:slug>/andra/", views.article_edit, name="support-article-edit"),
]
