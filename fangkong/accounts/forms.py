"""Forms of the accounts pages: the login form with the choice to stay logged in; the audit log's filters."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import AuditEntry
from fangkong.core.forms import ClientDateField, FastSelect


class LoginForm(AuthenticationForm):
    """Django's login form (it passes the request to authenticate(), so failures count towards the
    lockout) and whether the session outlives the browser: unticked, it ends when the browser closes."""

    remember = forms.BooleanField(label=_("Keep me logged in"), required=False)


class AuditFilterForm(forms.Form):
    """The audit log's filters: who, about which person, which action, between which days."""

    # A choice of who or of the action shows the entries at once (app.js); days need the button.
    actor = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None,
                                   widget=FastSelect(attrs={"data-autosubmit": ""}))  # a city's thousands
    person = forms.IntegerField(label=_("Person"), required=False, min_value=1, widget=forms.HiddenInput)
    action = forms.ChoiceField(label=_("Action"), required=False, widget=forms.Select(attrs={"data-autosubmit": ""}))
    day_from = ClientDateField(label=_("From"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    day_to = ClientDateField(label=_("Until"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, actors=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # (pk, display name, username) rows, not users: a city's office picks among thousands of them.
        self.fields["actor"].choices = [("", _("Everyone"))] + [(pk, name or username) for pk, name, username in actors]
        self.fields["action"].choices = [("", _("All actions")), *AuditEntry.Action.choices]

    def clean(self):
        data = super().clean()
        if data.get("day_from") and data.get("day_to") and data["day_from"] > data["day_to"]:
            self.add_error("day_to", _("The last day comes after the first"))
        return data
