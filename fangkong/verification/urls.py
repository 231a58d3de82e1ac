from django.urls import path

from fangkong.verification import views

app_name = "verification"

urlpatterns = [
    path("", views.index, name="index"),
    path("rows/", views.rows, name="rows"),
    path("<int:pk>/", views.list_detail, name="list_detail"),
    path("<int:pk>/rows/<int:number>/outcome", views.row_outcome, name="row_outcome"),
    path("<int:pk>/rows/<int:number>/assign", views.row_assign, name="row_assign"),
]
