"""The community's public home page and its notices, mounted by fangkong/urls.py at c/:
    path("c/", include("fangkong.notices.public_urls")),
"""

from django.urls import path

from fangkong.notices.views import public

app_name = "notices_public"

urlpatterns = [
    path("<str:code>/", public.home, name="home"),
    path("<str:code>/notices/<int:pk>/", public.notice, name="notice"),
]
