from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationConfig(AppConfig):
    name = "fangkong.observation"
    label = "observation"
    verbose_name = _("medical observation")

    def ready(self) -> None:
        from fangkong.gates.signals import fever_refused
        from fangkong.observation import timeline_events  # noqa: F401 -- registers the dossier provider
        from fangkong.observation.services import observation_active_for
        from fangkong.passes.services import suspension_check_register

        # A pass issued to someone already under observation starts suspended.
        suspension_check_register(observation_active_for)
        # A fever refused at a gate opens a gate_fever alert (gates sits below observation: a signal).
        fever_refused.connect(_gate_fever_alert, dispatch_uid="observation.gate_fever_alert")


def _gate_fever_alert(sender, *, scan_id, person_id, gate_id, temperature, at, actor, via="api", **_kwargs) -> None:
    from fangkong.observation.services import alert_open_for_gate_fever

    alert_open_for_gate_fever(actor=actor, scan_id=scan_id, person_id=person_id, gate_id=gate_id,
                              temperature=temperature, at=at, via=via)
