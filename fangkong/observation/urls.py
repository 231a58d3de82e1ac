from django.urls import path

from fangkong.observation import views

app_name = "observation"

urlpatterns = [
    path("", views.observation_list, name="observation_list"),
    path("<int:pk>/", views.observation_detail, name="observation_detail"),
    path("<int:pk>/followup", views.observation_followup, name="observation_followup"),
    path("<int:pk>/extend", views.observation_extend_view, name="observation_extend"),
    path("<int:pk>/end", views.observation_end_view, name="observation_end"),
    path("<int:pk>/link", views.observation_link, name="observation_link"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/acknowledge", views.alert_acknowledge_view, name="alert_acknowledge"),
    path("alerts/<int:pk>/close", views.alert_close_view, name="alert_close"),
    path("returnees/", views.returnee_list, name="returnee_list"),
    path("returnees/<int:pk>/confirm", views.returnee_confirm, name="returnee_confirm"),
    path("returnees/<int:pk>/reject", views.returnee_reject, name="returnee_reject"),
    path("returnees/households", views.household_options, name="household_options"),
    path("links/issue", views.link_issue_view, name="link_issue"),
    path("links/<int:pk>/", views.link_detail, name="link_detail"),
    path("links/<int:pk>/revoke", views.link_revoke_view, name="link_revoke"),
    path("sites/", views.site_list, name="site_list"),
    # The public pages behind a personal link (no login). fangkong/urls.py may also mount them at
    # short paths through observation.public_urls; links then use those (shorter QR codes).
    path("r/<str:token>/", views.landlord_report, name="landlord_report"),
    path("f/<str:token>/", views.self_followup, name="self_followup"),
]
