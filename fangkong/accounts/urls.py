from django.contrib.auth import views as auth_views
from django.urls import path

from fangkong.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit_log"),
    path("security-alerts/<int:pk>/close", views.security_alert_close, name="security_alert_close"),
]
