from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "eduplatform.assets"
    label = "assets"
    verbose_name = _("校产")

    def ready(self) -> None:
        # District settings and compliance facts are declared at start-up, so that the
        # bureau's settings page and the nightly recompute know them before any request.
        from eduplatform.assets import facts, rules  # noqa: F401
