from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "fangkong.screening"
    label = "screening"
    verbose_name = _("screening")

    def ready(self) -> None:
        from fangkong.screening import flags, timeline_events  # noqa: F401 -- register dossier and flag providers
