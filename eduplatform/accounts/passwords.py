"""The password policy: validators with Chinese messages, and password rotation.

PASSWORD_POLICY (settings) is "standard" or "mlps". Standard: at least PASSWORD_MIN_LENGTH
characters, not a common password, not all digits, not like the person's name, username or
phone number. MLPS (等保, China's Multi-Level Protection Scheme) adds: at least three of the
four character classes, and a password older than PASSWORD_MAX_AGE_DAYS must be changed.
settings.py lists the validators for the chosen policy.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

STANDARD = "standard"
MLPS = "mlps"
POLICIES = (STANDARD, MLPS)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("至少 %(min_length)d 个字符") % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    # Our people have a name and a phone number rather than first and last names.
    DEFAULT_USER_ATTRIBUTES = ("username", "name", "phone", "email")

    def __init__(self, user_attributes=DEFAULT_USER_ATTRIBUTES, max_similarity=0.7):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self):
        return _("密码与%(verbose_name)s太相似。")

    def get_help_text(self):
        return _("不能与姓名、用户名、手机号码等个人信息相似")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return _("这个密码太常见，容易被猜到，请换一个。")

    def get_help_text(self):
        return _("不能是常见密码")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return _("密码不能全部是数字。")

    def get_help_text(self):
        return _("不能全部是数字")


CHARACTER_CLASSES = (
    ("upper", str.isupper),
    ("lower", str.islower),
    ("digit", str.isdigit),
    # Anything else is a symbol: punctuation, a space, a Chinese character.
    ("symbol", lambda character: not character.isalnum() or not character.isascii()),
)


class CharacterClassesValidator:
    """MLPS: the password mixes at least `minimum_classes` of upper case letters, lower case
    letters, digits and symbols."""

    def __init__(self, minimum_classes: int = 3):
        self.minimum_classes = minimum_classes

    def validate(self, password: str, user=None) -> None:
        present = {
            name for name, matches in CHARACTER_CLASSES if any(matches(character) for character in password)
        }
        if len(present) < self.minimum_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(minimum)d 类。")
                % {"minimum": self.minimum_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("包含大写字母、小写字母、数字、符号中的至少 %(minimum)d 类") % {
            "minimum": self.minimum_classes
        }


def is_password_expired(user, *, now=None) -> bool:
    """MLPS rotation: the password is older than PASSWORD_MAX_AGE_DAYS.

    An account whose password was never changed through the platform counts from when it
    was created.
    """
    if settings.PASSWORD_POLICY != MLPS:
        return False
    changed_at = user.password_changed_at or user.date_joined
    now = now or timezone.now()
    return now - changed_at > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def password_change_reason(user) -> str | None:
    """Why this person must change their password before anything else, or None."""
    if user.must_change_password:
        return "temporary"
    if is_password_expired(user):
        return "expired"
    return None
