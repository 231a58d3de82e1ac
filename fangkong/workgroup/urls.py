from django.urls import path

from fangkong.workgroup import views

app_name = "workgroup"
urlpatterns = [
    path("", views.org_chart_home, name="org_chart_home"),
    path("<str:code>/", views.org_chart_page, name="org_chart"),
]
