from django.urls import path

from fangkong.gates import views
from fangkong.gates.views import offline
from fangkong.gates.views.roster import shift_edit, shift_remove, week

app_name = "gates"
urlpatterns = [
    path("", views.index, name="index"),
    # Before <code>/: a gate coded "roster" or "duty" has no console.
    path("roster/", views.roster, name="roster"),
    path("duty/", views.duty, name="duty"),
    path("roster/shifts/<int:pk>/edit", shift_edit, name="shift_edit"),
    path("roster/shifts/<int:pk>/delete", shift_remove, name="shift_delete"),
    path("roster/<slug:code>/", week, name="roster_week"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("devices/", offline.devices, name="devices"),
    path("conflicts/", offline.conflicts, name="conflicts"),
    path("<slug:code>/", views.console, name="console"),
    path("<slug:code>/scan", views.scan, name="scan"),
    path("<slug:code>/device-token", offline.device_token, name="device_token"),
    path("<slug:code>/visitor", views.visitor, name="visitor"),
    path("<slug:code>/visitor/households", views.household_options, name="household_options"),
    path("<slug:code>/incident", views.incident, name="incident"),
]
