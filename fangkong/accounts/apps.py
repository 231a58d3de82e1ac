from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fangkong.accounts"
    label = "accounts"
    verbose_name = _("accounts")

    def ready(self) -> None:
        # Each app's audit_names module names its objects in the audit log (accounts.audit_names).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("audit_names")
