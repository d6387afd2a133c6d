from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "eduplatform.accounts"
    label = "accounts"
    verbose_name = _("账号")

    def ready(self):
        from eduplatform.accounts import security_events  # noqa: F401 - connects the receivers
