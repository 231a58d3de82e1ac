from django.urls import path

from fangkong.notices.views import office

app_name = "notices"

urlpatterns = [
    path("", office.notice_list, name="list"),
    path("<int:pk>/", office.notice_detail, name="notice"),
    path("<int:pk>/poster.pdf", office.notice_poster, name="poster"),
    path("channels/", office.channel_list, name="channels"),
    path("messages/", office.message_list, name="messages"),
]
