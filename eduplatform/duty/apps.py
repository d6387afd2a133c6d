from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    """The school's duty (值班): the roster, duty logs and handovers, in the school's schema."""

    name = "eduplatform.duty"
    label = "duty"
    verbose_name = _("值班")

    def ready(self):
        # Declares the compliance facts of duty.
        from eduplatform.duty import facts  # noqa: F401
