from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from eduplatform.accounts.models import User


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with a username or an 11-digit phone number, and a password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        login = username.strip()
        user = User.objects.filter(Q(username=login) | Q(phone=login)).order_by("pk").first()
        if user is None:
            # Run the hasher anyway so that timing does not tell which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
