"""The project's URLs with the public sign-up mounted at c/, as fangkong/urls.py mounts it. (Once the
project mounts it itself, the tests' `urls` marker can go.)"""

from django.urls import include, path

urlpatterns = [path("c/", include("fangkong.volunteers.public_urls")), path("", include("fangkong.urls"))]
