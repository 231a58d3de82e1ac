from django.contrib import admin
from django.urls import include, path

from fangkong.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("fangkong.accounts.urls")),
    path("policy/", include("fangkong.policy.urls")),
    path("workgroup/", include("fangkong.workgroup.urls")),
    path("passes/", include("fangkong.passes.urls")),
    path("gate/", include("fangkong.gates.urls")),
    path("screening/", include("fangkong.screening.urls")),
    path("observation/", include("fangkong.observation.urls")),
    path("verification/", include("fangkong.verification.urls")),
    path("reports/", include("fangkong.reports.urls")),
    path("ledgers/", include("fangkong.ledgers.urls")),
    path("meetings/", include("fangkong.meetings.urls")),
    path("supplies/", include("fangkong.supplies.urls")),
    path("requests/", include("fangkong.helpdesk.urls")),
    path("shops/", include("fangkong.shops.urls")),
    path("volunteers/", include("fangkong.volunteers.urls")),
    path("notices/", include("fangkong.notices.urls")),
    path("sanitation/", include("fangkong.sanitation.urls")),
    path("dashboard/", include("fangkong.dashboard.urls")),
    # The community's public pages (no login): its home with the notices, the thank-you board, the
    # volunteers' sign-up, a resident's request and its follow link.
    path("c/", include("fangkong.notices.public_urls")),
    path("c/", include("fangkong.supplies.public_urls")),
    path("c/", include("fangkong.volunteers.public_urls")),
    path("c/", include("fangkong.helpdesk.public_urls")),
    path("", include("fangkong.observation.public_urls")),  # /r/<token>/, /f/<token>/: personal report links
    path("", include("fangkong.registry.urls")),
]

# Error pages in the user's language, with what to do next (accounts.error_pages); refusals raised in
# pages reach the same handlers (core.middleware.DomainErrorMiddleware).
handler400 = "fangkong.accounts.error_pages.bad_request"
handler403 = "fangkong.accounts.error_pages.permission_denied"
handler404 = "fangkong.accounts.error_pages.page_not_found"
handler500 = "fangkong.accounts.error_pages.server_error"
