"""Safety responsibility agreements (安全责任书): sign one's own on the phone; the safety
office sees who has not signed this year and uploads scans of paper ones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eduplatform.accounts.roles import Capability
from eduplatform.safety import actions as safety
from eduplatform.safety import campus_access as access
from eduplatform.safety.agreements import progress
from eduplatform.safety.models import Agreement
from eduplatform.safety.people import staff_member
from eduplatform.safety.photos import clean_signature
from frontend.access import capability_required, page_capabilities

C = Capability


def _year(request) -> int:
    """The year whose agreements the page shows (this year unless a recent one is asked for)."""
    raw = request.GET.get("year", "") or request.POST.get("year", "")
    this_year = timezone.localdate().year
    return int(raw) if raw.isdigit() and this_year - 5 <= int(raw) <= this_year + 1 else this_year


def _posted_year(request) -> int | None:
    """The year to sign for, as posted: the domain decides which years may be signed (a bad
    one is refused and said, never silently replaced by this year)."""
    raw = request.POST.get("year", "")
    if not raw:
        return timezone.localdate().year
    return int(raw) if raw.isdigit() else None


@require_http_methods(["GET"])
@capability_required(C.SCHOOL_VIEW)
def agreements(request):
    year = _year(request)
    can_manage = C.SAFETY_RECORD in page_capabilities(request)
    state = progress(request.school, year) if C.SAFETY_VIEW in page_capabilities(request) else None
    mine = Agreement.objects.filter(year=year, signer_id=request.user.pk).first()
    return render(
        request,
        "safety/agreements.html",
        {"year": year, "state": state, "mine": mine, "can_manage": can_manage, "errors": {}},
    )


@require_POST
@capability_required(C.SCHOOL_VIEW)
def sign_own_agreement(request):
    year = _posted_year(request)
    try:
        signature = clean_signature(request.POST.get("signature", ""))
        safety.sign_agreement(year=year, signer=request.user, signature=signature, actor=request.user)
    except ValidationError as error:
        for field_messages in error.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
    else:
        messages.success(request, _("已签订 %(year)s 年度安全责任书。") % {"year": year})
    return redirect(f"{_agreements_url()}?year={_year(request)}")


@require_POST
@capability_required(C.SAFETY_RECORD)
def upload_agreement(request):
    """A scan of a signed paper agreement, for a staff member, a department or a contractor."""
    year = _posted_year(request)
    signer = department = None
    party = request.POST.get("party", "")
    kind, _sep, pk = party.partition(":")
    if kind not in ("", "staff", "department", "contractor"):
        raise PermissionDenied
    try:
        if kind == "staff":
            signer = staff_member(request.school, pk, "party")
        elif kind == "department":
            department = access.department_for_school(pk, "party")
        safety.sign_agreement(
            year=year, signer=signer, department=department, contractor=request.POST.get("contractor", ""),
            scan=request.FILES.get("scan"), actor=request.user,
        )  # fmt: skip
    except ValidationError as error:
        for field_messages in error.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
    else:
        messages.success(request, _("已登记。"))
    return redirect(f"{_agreements_url()}?year={_year(request)}")


def _agreements_url() -> str:
    from django.urls import reverse

    return reverse("frontend:safety:agreements")
