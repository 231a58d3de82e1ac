from django.urls import path

from fangkong.volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_list, name="list"),
    path("<int:pk>/", views.volunteer_detail, name="detail"),
    path("<int:pk>/accept/", views.volunteer_accept, name="accept"),
    path("<int:pk>/decline/", views.volunteer_decline, name="decline"),
    path("<int:pk>/login/", views.volunteer_login, name="login"),
    path("<int:pk>/shift/", views.volunteer_shift, name="shift"),
    path("<int:pk>/task/", views.volunteer_task, name="task"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
]
