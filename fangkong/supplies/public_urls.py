"""The public thank-you board of a community, mounted by fangkong/urls.py at `c/`: /c/<code>/thanks/."""

from django.urls import path

from fangkong.supplies import views

app_name = "supplies_public"

urlpatterns = [
    path("<str:code>/thanks/", views.thanks, name="thanks"),
]
