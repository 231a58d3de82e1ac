from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopsConfig(AppConfig):
    name = "fangkong.shops"
    label = "shops"
    verbose_name = _("shops and prices")
