"""The project's URLs plus the public board at c/, as the lead mounts it in fangkong/urls.py."""

from django.urls import include, path

from fangkong.urls import urlpatterns as project

urlpatterns = [path("c/", include("fangkong.supplies.public_urls")), *project]
