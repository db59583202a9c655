from django.urls import path

from . import views

urlpatterns = [
    path("planering/", views.scenario_page, name="planning-scenario"),
    path("planering/forslag/", views.proposal_page, name="planning-proposal"),
    path("planering/prioritet/", views.priority_page, name="planning-priority"),
    path("stod/prioritering/", views.support_priority_page, name="support-priority"),
    path("planering/scenarier/", views.saved_scenarios, name="planning-saved-scenarios"),
    path("planering/scenarier/spara/", views.scenario_save, name="planning-scenario-save"),
    path("planering/scenarier/<int:pk>/", views.saved_scenario, name="planning-saved-scenario"),
    path("planering/scenarier/<int:pk>/ta-bort/", views.saved_scenario_remove, name="planning-saved-scenario-remove"),
]
