from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from eduplatform.accounts.models import User


def find_account(login: str) -> User | None:
    """The account a login name means: a username or an 11-digit phone number.

    Both the authenticator and the lockout counter use this, so that trying a phone number
    and the username of the same person counts against one account.
    """
    login = login.strip()
    if not login:
        return None
    return User.objects.filter(Q(username=login) | Q(phone=login)).order_by("pk").first()


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS; it never logs anyone in.

    Axes refuses to run without a request. Every web login passes one; only code that
    authenticates outside a request (the test client's login(), a shell) does not, and
    there is no client address to count then, so those calls are left to the backend below.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with a username or an 11-digit phone number, and a password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_account(username)
        if user is None:
            # Run the hasher anyway so that timing does not tell which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
