from django.urls import path

from fangkong.supplies import views

app_name = "supplies"

urlpatterns = [
    path("", views.index, name="index"),
    path("movements/", views.movements, name="movements"),
    path("donations/", views.donations, name="donations"),
]
