"""The project's URLs plus the public pages, as fangkong/urls.py mounts them (at c/) once integrated.
The project's URLs by name: an app may not import the entry points."""

from django.urls import include, path

urlpatterns = [path("c/", include("fangkong.notices.public_urls")), path("", include("fangkong.urls"))]
