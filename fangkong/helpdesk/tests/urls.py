"""The site's URLs with the public request pages at c/, for tests run before fangkong/urls.py mounts them."""

from django.urls import include, path

urlpatterns = [
    path("c/", include("fangkong.helpdesk.public_urls")),
    path("", include("fangkong.urls")),
]
