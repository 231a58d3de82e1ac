from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "fangkong.volunteers"
    label = "volunteers"
    verbose_name = _("volunteers")
