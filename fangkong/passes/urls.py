from django.urls import path

from fangkong.passes import views

app_name = "passes"
urlpatterns = [
    path("", views.pass_list, name="pass_list"),
    path("issue/", views.issue, name="issue"),
    path("issue/<slug:job_id>/", views.issue_job, name="issue_job"),
    path("print.pdf", views.print_pdf, name="print_pdf"),
    path("print/", views.print_start, name="print_start"),
    path("print/<slug:job_id>/", views.print_job, name="print_job"),
    path("print/<slug:job_id>/cards.pdf", views.print_job_file, name="print_job_file"),
]
