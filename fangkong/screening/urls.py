from django.urls import path

from fangkong.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/visit/", views.visit_start, name="visit_start"),
    path("rounds/<int:pk>/households/<int:hh>/visit/", views.visit_record, name="visit_record"),
    path("today/", views.today, name="today"),
    path("changes/", views.changes, name="changes"),
]
