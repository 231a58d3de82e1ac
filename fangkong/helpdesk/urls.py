"""Office pages of residents' requests, mounted at requests/ by fangkong/urls.py."""

from django.urls import path

from fangkong.helpdesk import views

app_name = "helpdesk"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<int:pk>/", views.request_detail, name="detail"),
]
