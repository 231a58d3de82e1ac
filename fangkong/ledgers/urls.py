from django.urls import path

from fangkong.ledgers import views

app_name = "ledgers"

urlpatterns = [
    path("", views.exports, name="exports"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/file/", views.export_file, name="file"),
    path("layouts/", views.layouts, name="layouts"),
    path("layouts/<str:ledger>/<str:level>/<str:code>/", views.layout_edit, name="layout_edit"),
]
