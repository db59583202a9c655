from django.urls import path

from .views import answer, staff

urlpatterns = [
    path("svar/<str:token>/", answer.overview, name="survey-answer"),
    path("svar/<str:token>/sida/<int:number>/", answer.page, name="survey-answer-page"),
    path("svar/<str:token>/spara/", answer.autosave, name="survey-autosave"),
    path("svar/<str:token>/skicka-in/", answer.submit, name="survey-submit"),
    path("svar/<str:token>/kvitto/", answer.receipt, name="survey-receipt"),
    path("kartlaggning/", staff.wave_list, name="survey-waves"),
    path("kartlaggning/ny/", staff.wave_create, name="survey-wave-create"),
    path("kartlaggning/<int:pk>/", staff.wave_detail, name="survey-wave"),
    path("kartlaggning/<int:pk>/utskick/", staff.wave_mail, name="survey-wave-mail"),
    path("kartlaggning/utskick/<int:pk>/", staff.mailing_progress, name="survey-mailing"),
    path("kartlaggning/<int:pk>/saknas/", staff.wave_missing, name="survey-wave-missing"),
    path("kartlaggning/<int:pk>/inbjudan/<int:invitation>/vidarebefordra/", staff.invitation_forward,
         name="survey-forward"),
    path("kartlaggning/<int:pk>/svarsfrekvens.xlsx", staff.wave_rates_xlsx, name="survey-wave-rates"),
    path("kartlaggning/<int:pk>/svar.<str:fmt>", staff.wave_answers, name="survey-wave-answers"),
    path("kartlaggning/<int:pk>/granska/", staff.review_list, name="survey-review-list"),
    path("kartlaggning/<int:pk>/las-in/", staff.wave_import, name="survey-wave-import"),
    path("kartlaggning/svar/<int:pk>/granska/", staff.review_response, name="survey-review"),
    path("kartlaggning/formular/", staff.questionnaire_list, name="survey-questionnaires"),
    path("kartlaggning/formular/<slug:code>/ny-version/", staff.questionnaire_upload, name="survey-questionnaire-upload"),
    path("kartlaggning/formular/version/<int:pk>.<str:fmt>", staff.questionnaire_download,
         name="survey-questionnaire-download"),
]
