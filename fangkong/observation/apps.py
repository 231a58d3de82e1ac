from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationConfig(AppConfig):
    name = "fangkong.observation"
    label = "observation"
    verbose_name = _("medical observation")

    def ready(self) -> None:
        from fangkong.observation import timeline_events  # noqa: F401 -- registers the dossier provider
        from fangkong.observation.services import observation_active_for
        from fangkong.passes.services import suspension_check_register

        # A pass issued to someone already under observation starts suspended.
        suspension_check_register(observation_active_for)
