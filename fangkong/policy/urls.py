from django.urls import path

from fangkong.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.policy_home, name="home"),
    path("<str:code>/", views.community_policy, name="community"),
]
