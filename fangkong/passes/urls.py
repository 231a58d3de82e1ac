from django.urls import path

from fangkong.passes import views

app_name = "passes"
urlpatterns = [
    path("", views.pass_list, name="pass_list"),
    path("issue/", views.issue, name="issue"),
    path("issue/<slug:job_id>/", views.issue_job, name="issue_job"),
    path("print.pdf", views.print_pdf, name="print_pdf"),
]
