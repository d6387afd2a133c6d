from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VehiclesConfig(AppConfig):
    """A school's vehicles (校车 / 接送车), their drivers, pre-departure checks and trips, in
    the school's schema."""

    name = "eduplatform.vehicles"
    label = "vehicles"
    verbose_name = _("校车")

    def ready(self) -> None:
        # Compliance facts are declared at start-up, so that the nightly recompute knows them.
        from eduplatform.vehicles import facts  # noqa: F401
