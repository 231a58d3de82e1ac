from django.urls import path

from fangkong.shops import views

app_name = "shops"

urlpatterns = [
    path("", views.merchant_list, name="merchant_list"),
    path("<int:pk>/", views.merchant_detail, name="merchant_detail"),
    path("<int:pk>/profile", views.profile_save, name="profile_save"),
    path("<int:pk>/staff", views.staff_add, name="staff_add"),
    path("<int:pk>/staff/<int:staff_id>/pass", views.staff_pass, name="staff_pass"),
    path("<int:pk>/inspections/new", views.inspection_new, name="inspection_new"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/acknowledge", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/close", views.alert_close, name="alert_close"),
]
