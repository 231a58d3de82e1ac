"""Security alerts reach the administrators on the audit log page, and closing one is audited."""

from __future__ import annotations

from django.urls import reverse

from fangkong.accounts.models import AuditEntry, SecurityAlert


def test_administrators_see_open_alerts_and_close_them(personas, login):
    alert = SecurityAlert.objects.create(kind=SecurityAlert.Kind.SEARCH_BLOCKED, user=personas["street"])
    admin = login("admin")
    page = admin.get(reverse("accounts:audit_log")).content.decode()
    assert 'id="security-alerts"' in page and "street" in page
    # A community leader reads the audit log of the community, not users' security alerts.
    assert 'id="security-alerts"' not in login("leader").get(reverse("accounts:audit_log")).content.decode()
    assert login("leader").post(reverse("accounts:security_alert_close", args=[alert.pk])).status_code == 403
    assert admin.post(reverse("accounts:security_alert_close", args=[alert.pk])).status_code == 302
    alert.refresh_from_db()
    assert alert.closed_by == personas["admin"] and alert.closed_at is not None
    assert AuditEntry.objects.filter(object_type="security_alert", object_id=str(alert.pk), action="update").exists()
    assert 'id="security-alerts"' not in admin.get(reverse("accounts:audit_log")).content.decode()
