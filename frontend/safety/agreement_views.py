"""Safety responsibility agreements (安全责任书): sign one's own on the phone; the safety
office sees who has not signed this year and uploads scans of paper ones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eduplatform.accounts.roles import Capability
from eduplatform.organisation.models import Department
from eduplatform.safety import actions as safety
from eduplatform.safety.agreements import progress
from eduplatform.safety.models import Agreement
from eduplatform.safety.people import school_staff
from eduplatform.safety.photos import clean_signature
from frontend.access import capability_required, page_capabilities

C = Capability


def _year(request) -> int:
    raw = request.GET.get("year", "") or request.POST.get("year", "")
    this_year = timezone.localdate().year
    return int(raw) if raw.isdigit() and this_year - 5 <= int(raw) <= this_year + 1 else this_year


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
    year = _year(request)
    try:
        signature = clean_signature(request.POST.get("signature", ""))
        safety.sign_agreement(year=year, signer=request.user, signature=signature, actor=request.user)
    except ValidationError as error:
        for field_messages in error.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
    else:
        messages.success(request, _("已签订 %(year)s 年度安全责任书。") % {"year": year})
    return redirect(f"{_agreements_url()}?year={year}")


@require_POST
@capability_required(C.SAFETY_RECORD)
def upload_agreement(request):
    """A scan of a signed paper agreement, for a staff member, a department or a contractor."""
    year = _year(request)
    signer = department = None
    party = request.POST.get("party", "")
    kind, _sep, pk = party.partition(":")
    if kind == "staff" and pk.isdigit():
        signer = school_staff(request.school).filter(pk=int(pk)).first()
        if signer is None:
            raise Http404
    elif kind == "department" and pk.isdigit():
        department = Department.objects.filter(pk=int(pk)).first()
        if department is None:
            raise Http404
    elif kind not in ("", "contractor"):
        raise PermissionDenied
    try:
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
    return redirect(f"{_agreements_url()}?year={year}")


def _agreements_url() -> str:
    from django.urls import reverse

    return reverse("frontend:safety:agreements")
