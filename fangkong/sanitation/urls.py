from django.urls import path

from fangkong.sanitation import views

app_name = "sanitation"

urlpatterns = [
    path("", views.area_list, name="area_list"),
    path("areas/<int:pk>/disinfect/", views.disinfect, name="disinfect"),
    path("log/", views.disinfection_log, name="log"),
    path("patrols/", views.patrol_list, name="patrol_list"),
]
