from django.urls import path

from fangkong.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("daily/", views.daily, name="daily"),
    path("daily/<str:code>/<str:day>/typed/", views.daily_typed, name="daily_typed"),
    path("daily/<str:code>/<str:day>/submit/", views.daily_submit, name="daily_submit"),
    path("street/", views.street, name="street"),
    path("street/<str:code>/<str:day>/remind/", views.remind, name="remind"),
    path("reminders/<int:pk>/read/", views.reminder_read, name="reminder_read"),
]
