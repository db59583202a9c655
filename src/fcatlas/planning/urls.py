from django.urls import path

from . import views

urlpatterns = [
    path("planering/", views.scenario_page, name="planning-scenario"),
    path("planering/forslag/", views.proposal_page, name="planning-proposal"),
    path("planering/prioritet/", views.priority_page, name="planning-priority"),
]
