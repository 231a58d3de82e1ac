from django.urls import path

from fangkong.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.briefings, name="briefings"),
    path("briefings/<int:pk>/print", views.briefing_print, name="briefing_print"),
    path("briefings/<int:pk>/minutes", views.briefing_minutes, name="briefing_minutes"),
    path("briefings/<int:pk>/actions", views.briefing_action_add, name="briefing_action_add"),
    path("actions/", views.actions, name="actions"),
    path("actions/<int:pk>/done", views.action_done, name="action_done"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/actions", views.meeting_action_add, name="meeting_action_add"),
    path("meetings/<int:pk>/invite", views.meeting_invite, name="meeting_invite"),
    path("attendance/<int:pk>/present", views.attendance_mark, name="attendance_mark"),
    path("attendance/<int:pk>/follow-up", views.attendance_follow_up, name="attendance_follow_up"),
    path("absent-landlords/", views.absent_landlords, name="absent_landlords"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
]
