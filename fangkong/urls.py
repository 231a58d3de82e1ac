from django.contrib import admin
from django.urls import include, path

from fangkong.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("fangkong.accounts.urls")),
    path("policy/", include("fangkong.policy.urls")),
    path("workgroup/", include("fangkong.workgroup.urls")),
    path("passes/", include("fangkong.passes.urls")),
    path("gate/", include("fangkong.gates.urls")),
    path("screening/", include("fangkong.screening.urls")),
    path("observation/", include("fangkong.observation.urls")),
    path("", include("fangkong.observation.public_urls")),  # /r/<token>/, /f/<token>/: personal report links
    path("", include("fangkong.registry.urls")),
]
