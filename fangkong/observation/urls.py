from django.urls import path

from fangkong.observation.views import alerts, links, observations, public, reports, sites

app_name = "observation"

urlpatterns = [
    path("", observations.observation_list, name="observation_list"),
    path("<int:pk>/", observations.observation_detail, name="observation_detail"),
    path("<int:pk>/followup", observations.observation_followup, name="observation_followup"),
    path("<int:pk>/extend", observations.observation_extend_view, name="observation_extend"),
    path("<int:pk>/end", observations.observation_end_view, name="observation_end"),
    path("<int:pk>/link", observations.observation_link, name="observation_link"),
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/<int:pk>/acknowledge", alerts.alert_acknowledge_view, name="alert_acknowledge"),
    path("alerts/<int:pk>/close", alerts.alert_close_view, name="alert_close"),
    path("returnees/", reports.returnee_list, name="returnee_list"),
    path("returnees/<int:pk>/confirm", reports.returnee_confirm, name="returnee_confirm"),
    path("returnees/<int:pk>/reject", reports.returnee_reject, name="returnee_reject"),
    path("returnees/households", reports.household_options, name="household_options"),
    path("links/issue", links.link_issue_view, name="link_issue"),
    path("links/<int:pk>/", links.link_detail, name="link_detail"),
    path("links/<int:pk>/revoke", links.link_revoke_view, name="link_revoke"),
    path("sites/", sites.site_list, name="site_list"),
    # The public pages behind a personal link (no login). fangkong/urls.py may also mount them at
    # short paths through observation.public_urls; links then use those (shorter QR codes).
    path("r/<str:token>/", public.landlord_report, name="landlord_report"),
    path("f/<str:token>/", public.self_followup, name="self_followup"),
]
