"""The resident's request form and private follow link, mounted at c/ in fangkong/urls.py:
    path("c/", include("fangkong.helpdesk.public_urls")),
→ /c/<community code>/request/ and /c/<community code>/request/<token>/."""

from django.urls import path

from fangkong.helpdesk import views

app_name = "helpdesk_public"

urlpatterns = [
    path("<str:code>/request/", views.public_new, name="new"),
    path("<str:code>/request/<str:token>/", views.public_follow, name="follow"),
]
