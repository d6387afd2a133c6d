"""Forms for signing in, changing a password and two-factor sign-in.

The rules (the password policy, the codes) are the domain's, in eduplatform.accounts;
these forms only read what was typed and say what is wrong beside the field.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplatform.accounts.lockout import Lockout, lockout_of
from frontend.forms import TablerForm


def lockout_message(lockout: Lockout | None) -> str:
    """What a locked account or address is told on the login page: which lock, and when to retry."""
    if lockout is None:
        return _("登录失败次数过多，已被暂时锁定，请稍后再试。")
    local_retry = timezone.localtime(lockout.retry_at)
    if local_retry.date() == timezone.localdate():
        retry_at = date_format(local_retry, "H:i")
    else:
        retry_at = date_format(local_retry, "Y-m-d H:i")
    minutes = max(1, -(-int((lockout.retry_at - timezone.now()).total_seconds()) // 60))
    values = {"time": retry_at, "minutes": minutes}
    if lockout.is_account_locked:
        return (
            _(
                "该账号连续登录失败次数过多，已被暂时锁定。请在 %(time)s 之后（约 %(minutes)d 分钟后）再试，或联系管理员解锁。"
            )
            % values
        )
    return (
        _("本网络地址登录失败次数过多，已被暂时锁定。请在 %(time)s 之后（约 %(minutes)d 分钟后）再试。")
        % values
    )


class LoginForm(TablerForm, AuthenticationForm):
    username = forms.CharField(
        label=gettext_lazy("用户名或手机号"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=gettext_lazy("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": gettext_lazy("用户名（或手机号）与密码不匹配，请重新输入。"),
        "inactive": gettext_lazy("该账号已停用，请联系管理员。"),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            # django-axes flags the request when this attempt was refused by, or caused, a
            # lockout; a locked person is told so, not that the password is wrong.
            if not getattr(self.request, "axes_locked_out", False):
                raise
            lockout = lockout_of(self.request, {"username": self.cleaned_data.get("username")})
            # The lockout response (frontend.account_views.lockout_response) keeps this page.
            self.request.lockout_shown = True
            raise ValidationError(lockout_message(lockout), code="locked_out") from None


class PasswordChangeForm(TablerForm, forms.Form):
    old_password = forms.CharField(
        label=gettext_lazy("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password = forms.CharField(
        label=gettext_lazy("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_confirm = forms.CharField(
        label=gettext_lazy("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The policy in force, from the validators themselves (settings.AUTH_PASSWORD_VALIDATORS).
        self.fields["new_password"].help_text = _("要求：%(rules)s。") % {
            "rules": "；".join(str(text) for text in password_validators_help_texts())
        }

    def clean(self):
        cleaned = super().clean()
        new_password = cleaned.get("new_password")
        confirm = cleaned.get("new_password_confirm")
        if new_password and confirm and new_password != confirm:
            self.add_error("new_password_confirm", _("两次输入的新密码不一致。"))
        return cleaned


six_digits = RegexValidator(r"^\d{6}$", gettext_lazy("请输入 6 位数字验证码。"), code="invalid_token")


class TwoFactorTokenForm(TablerForm, forms.Form):
    token = forms.CharField(
        label=gettext_lazy("6 位验证码"),
        max_length=6,
        validators=[six_digits],
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )


class TwoFactorRemoveForm(TablerForm, forms.Form):
    password = forms.CharField(
        label=gettext_lazy("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
