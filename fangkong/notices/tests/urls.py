"""The project's URLs plus the public pages, as fangkong/urls.py mounts them (at c/) once integrated."""

from django.urls import include, path

from fangkong.urls import urlpatterns as project

urlpatterns = [path("c/", include("fangkong.notices.public_urls")), *project]
