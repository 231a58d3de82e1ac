from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassesConfig(AppConfig):
    name = "fangkong.passes"
    label = "passes"
    verbose_name = _("passes")

    def ready(self) -> None:
        from fangkong.passes import timeline_events  # noqa: F401 -- registers the dossier provider
