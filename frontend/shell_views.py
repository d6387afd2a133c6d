"""Views of the page shell itself: the school switcher and the expired-form page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from eduplatform.accounts.access import school_for_user
from tenants.routing import school_prefix


@require_GET
@login_required
def switch_school(request):
    """The switcher's form lands here: to the chosen school's home, if the person may open it.

    A plain GET form, so it works with the keyboard and without JavaScript. A school the
    person may not open is a 404, like its address would be.
    """
    code = request.GET.get("code", "").strip()
    if not code:
        return redirect("frontend:home")
    school = school_for_user(request.user, code)
    return redirect(school_prefix(school.code))


def csrf_failure(request, reason=""):
    """A form sent from a page that had expired (most often: the session timed out)."""
    return render(
        request,
        "403.html",
        {
            "title": _("页面已过期"),
            "hint": _("为了您的账号安全，页面在一段时间未操作后会失效。请返回上一页，刷新后重新提交。"),
        },
        status=403,
    )
