"""Forms of the accounts pages: the login form with the choice to stay logged in."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form (it passes the request to authenticate(), so failures count towards the
    lockout) and whether the session outlives the browser: unticked, it ends when the browser closes."""

    remember = forms.BooleanField(label=_("Keep me logged in"), required=False)
