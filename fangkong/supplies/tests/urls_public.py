"""The project's URLs plus the public board at c/, as the lead mounts it in fangkong/urls.py (by dotted
path: an app may not import the project's urls module)."""

from django.urls import include, path

urlpatterns = [path("c/", include("fangkong.supplies.public_urls")), path("", include("fangkong.urls"))]
