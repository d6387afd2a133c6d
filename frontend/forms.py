from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TablerForm:
    """Give every widget Tabler's classes; errors mark themselves through aria-invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class DepartmentForm(TablerForm, forms.Form):
    name = forms.CharField(label=_("部门名称"), max_length=50)
    is_logistics_office = forms.BooleanField(label=_("这是总务处"), required=False)
