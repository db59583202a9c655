from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("konto/logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/", views.my_account, name="my-account"),
    path("konto/mina-enheter/", views.my_units, name="my-units"),
]
