"""The volunteers' public sign-up, mounted at c/ in fangkong/urls.py: /c/<community code>/volunteer/."""

from django.urls import path

from fangkong.volunteers import views

app_name = "volunteers_public"

urlpatterns = [
    path("<str:code>/volunteer/", views.signup, name="signup"),
]
