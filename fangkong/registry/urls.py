from django.urls import path

from fangkong.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("households/", views.household_list, name="household_list"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("import/", views.import_start, name="import_start"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
]
