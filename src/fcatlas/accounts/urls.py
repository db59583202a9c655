from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path("konto/logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
]
