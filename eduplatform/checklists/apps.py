from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistsConfig(AppConfig):
    """The district's side of safety, in the public schema: the inspection template library
    the bureau publishes for all its schools, and the escalations it watches."""

    name = "eduplatform.checklists"
    label = "checklists"
    verbose_name = _("检查模板")
