from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassificationConfig(AppConfig):
    name = "eduplatform.classification"
    label = "classification"
    verbose_name = _("资产分类代码")
