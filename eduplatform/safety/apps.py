from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    """A school's safety records, in the school's schema: inspections, hazards, buildings,
    drills, plans, agreements, visitors, duty and school vehicles."""

    name = "eduplatform.safety"
    label = "safety"
    verbose_name = _("安全")

    def ready(self):
        # Declares settings and facts (campus_facts: buildings, drills, plans).
        from eduplatform.safety import campus_facts, facts, settings  # noqa: F401
