from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatesConfig(AppConfig):
    name = "fangkong.gates"
    label = "gates"
    verbose_name = _("gates")

    def ready(self) -> None:
        from fangkong.gates import timeline_events  # noqa: F401 -- registers the dossier provider
