"""The form that makes an API key."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontend.forms import TablerForm

DEFAULT_VALIDITY = timedelta(days=365)
LONGEST_VALIDITY = timedelta(days=3 * 365)


class ApiKeyForm(TablerForm, forms.Form):
    name = forms.CharField(
        label=_("名称"), max_length=100, help_text=_("谁在用这把密钥，例如“资产系统同步”。")
    )
    district = forms.ChoiceField(label=_("教育局"))
    is_read_write = forms.BooleanField(
        label=_("允许写入"), required=False, help_text=_("不勾选则只能读取数据。")
    )
    expires_on = forms.DateField(
        label=_("有效期至"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("到这一天结束时失效，最长三年。"),
    )

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["expires_on"].initial = today + DEFAULT_VALIDITY
        self.fields["expires_on"].widget.attrs.update(
            {"min": today.isoformat(), "max": (today + LONGEST_VALIDITY).isoformat()}
        )
        if districts is None:
            del self.fields["district"]
        else:
            self.fields["district"].choices = [(str(district.pk), district.name) for district in districts]

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires_on < today:
            raise forms.ValidationError(_("有效期不能早于今天。"))
        if expires_on > today + LONGEST_VALIDITY:
            raise forms.ValidationError(_("有效期最长三年。"))
        return expires_on
