"""The meetings app's objects in the audit log (accounts.audit_names): a briefing by its community, day and
kind; an action item by its text; a meeting by its title; an attendance row by the attendee's masked name
and the meeting; a plan version by its plan and number — each linked to its page."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.audit_names import Named, int_ids, model_fields, register
from fangkong.core.identifiers import mask_name
from fangkong.meetings.models import ActionItem, Attendance, Briefing, Meeting, PlanVersion


def _briefings_url(code: str, day) -> str:
    return f"{reverse('meetings:briefings')}?community={code}&day={day.isoformat()}"


def _briefings(ids: Sequence[str]) -> dict[str, Named]:
    rows = Briefing.objects.filter(pk__in=int_ids(ids)).values_list("pk", "community__name", "community__code",
                                                                      "date", "kind")
    kinds = dict(Briefing.Kind.choices)
    return {str(pk): Named(f"{name} · {day:%Y-%m-%d} · {kinds.get(kind, kind)}", _briefings_url(code, day))
            for pk, name, code, day, kind in rows}


def _actions(ids: Sequence[str]) -> dict[str, Named]:
    rows = ActionItem.objects.filter(pk__in=int_ids(ids)).values_list("pk", "text", "meeting_id")
    return {str(pk): Named(text[:60], reverse("meetings:meeting_detail", args=[meeting]) if meeting
                           else reverse("meetings:actions"))
            for pk, text, meeting in rows}


def _meetings(ids: Sequence[str]) -> dict[str, Named]:
    return {str(pk): Named(title, reverse("meetings:meeting_detail", args=[pk]))
            for pk, title in Meeting.objects.filter(pk__in=int_ids(ids)).values_list("pk", "title")}


def _attendance(ids: Sequence[str]) -> dict[str, Named]:
    rows = Attendance.objects.filter(pk__in=int_ids(ids)).values_list("pk", "name", "meeting_id", "meeting__title")
    return {str(pk): Named(f"{mask_name(name)} · {title}", reverse("meetings:meeting_detail", args=[meeting]))
            for pk, name, meeting, title in rows}


def _versions(ids: Sequence[str]) -> dict[str, Named]:
    rows = PlanVersion.objects.filter(pk__in=int_ids(ids)).values_list("pk", "plan_id", "plan__title", "version")
    return {str(pk): Named(f"{title} v{n}", reverse("meetings:plan_detail", args=[plan]) + f"?v={n}")
            for pk, plan, title, n in rows}


register("briefing", label=_("briefing"), names=_briefings, field_label=model_fields(Briefing))
register("action_item", label=_("action item"), names=_actions, field_label=model_fields(ActionItem))
register("meeting", label=_("meeting"), names=_meetings, field_label=model_fields(Meeting))
register("attendance", label=_("attendance"), names=_attendance, field_label=model_fields(Attendance))
register("plan_version", label=_("plan version"), names=_versions, field_label=model_fields(PlanVersion))
