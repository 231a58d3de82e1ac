"""The number of open alerts beside "Alerts" in the navigation: a missed follow-up or a fever is seen
by the responsible worker and the office on whatever page they are."""

from __future__ import annotations

from fangkong.accounts.roles import Perm, role_can
from fangkong.observation.models import Alert
from fangkong.observation.selectors import alert_list


def open_alerts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not role_can(user.role, Perm.VIEW_OBSERVATION):
        return {}
    return {"open_alerts": alert_list(actor=user, statuses=[Alert.Status.OPEN]).count}
