from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "fangkong.ledgers"
    label = "ledgers"
    verbose_name = _("ledgers and exports")
