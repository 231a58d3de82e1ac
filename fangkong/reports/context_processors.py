"""The street office's reminders on every page of the community's office: the in-app channel (no other
notification channel exists). Settings: "fangkong.reports.context_processors.report_reminders"."""

from __future__ import annotations

from fangkong.reports.selectors import reminders_open


def report_reminders(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that do not show the banner (JSON, files) cost no query.
    return {"report_reminders": lambda: reminders_open(actor=user)}
