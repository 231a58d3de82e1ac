"""The public pages behind a personal link at short paths (/r/<token>/, /f/<token>/), for short QR codes.

Mounted in fangkong/urls.py before the registry's catch-all prefix:
    path("", include("fangkong.observation.public_urls")),
The same pages also answer under /observation/r/ and /observation/f/.
"""

from django.urls import path

from fangkong.observation.views import public

app_name = "observation_public"

urlpatterns = [
    path("r/<str:token>/", public.landlord_report, name="landlord_report"),
    path("f/<str:token>/", public.self_followup, name="self_followup"),
]
