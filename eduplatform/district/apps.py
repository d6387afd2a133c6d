from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictConfig(AppConfig):
    name = "eduplatform.district"
    verbose_name = _("教育局")
