"""Stocktakes (盘点): open one, count on a phone (scan the QR label or tick the list), read the
summary, close with the approved adjustments, export in the finance form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eduplatform.accounts.roles import Capability
from eduplatform.assets import access, actions, exports
from eduplatform.assets.labels import number_from_label
from eduplatform.assets.models import CountResult
from eduplatform.assets.stocktakes import discrepancies, summarise
from frontend.assets import forms
from frontend.assets.views import _caps, _xlsx, any_capability

C = Capability
ITEMS_PER_PAGE = 50


def _stocktake(request, stocktake_id):
    return access.stocktake_for_user(request.user, stocktake_id, capabilities=_caps(request))


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_VIEW)
def stocktakes(request):
    can_manage = C.ASSETS_MANAGE in _caps(request)
    form = forms.StocktakeForm(request.POST or None, choices=forms.Choices(request))
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                stocktake = actions.open_stocktake(
                    name=data["name"], scope=data["scope"], reference_date=data["reference_date"],
                    locations=list(data["locations"]), category_prefixes=form.prefixes(), actor=request.user,
                )  # fmt: skip
            except ValidationError as error:
                forms.add_refusal(form, error)
            else:
                messages.success(
                    request, _("已开始盘点，清单共 %(count)s 项。") % {"count": stocktake.items.count()}
                )
                return redirect("frontend:assets:stocktake", stocktake.pk)
    listed = access.stocktakes_for_user(request.user, capabilities=_caps(request)).order_by(
        "-created_at", "-id"
    )
    page = Paginator(listed, 20).get_page(request.GET.get("page"))
    return render(request, "assets/stocktakes.html", {"page": page, "form": form, "can_manage": can_manage})


@require_GET
@any_capability(C.ASSETS_VIEW)
def stocktake(request, stocktake_id):
    found = _stocktake(request, stocktake_id)
    differing = discrepancies(found)
    return render(
        request,
        "assets/stocktake.html",
        {
            "stocktake": found,
            "summary": summarise(found),
            "discrepancies": Paginator(differing, ITEMS_PER_PAGE).get_page(request.GET.get("page")),
            "can_manage": C.ASSETS_MANAGE in _caps(request),
            "can_close": C.ASSETS_APPROVE in _caps(request) and found.is_open,
        },
    )


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_MANAGE)
def count(request, stocktake_id):
    """The phone page: scan labels with the camera, or tick the list, room by room."""
    found = _stocktake(request, stocktake_id)
    choices = forms.Choices(request)
    room = choices.locations.filter(pk=request.GET.get("room") or request.POST.get("room") or 0).first()
    feedback = None
    if request.method == "POST" and found.is_open:
        feedback = _record(request, found, room)
    items = found.items.select_related("asset", "book_location").filter(asset__isnull=False)
    if room is not None:
        items = items.filter(book_location=room)
    show = request.GET.get("show", "pending")
    if show == "pending":
        items = items.filter(result=CountResult.PENDING)
    items = items.order_by("asset__number")
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "stocktake": found,
        "room": room,
        "rooms": choices.locations,
        "page": page,
        "show": show,
        "feedback": feedback,
        "summary": summarise(found),
        "gain_form": forms.GainForm(choices=choices, initial={"location": room}),
    }
    template = "assets/partials/count_list.html" if request.htmx else "assets/count.html"
    return render(request, template, context)


def _record(request, stocktake, room) -> dict:
    """One tick or scan; the answer is shown at the top of the list (and read out by screen readers)."""
    cards = access.assets_for_user(request.user, capabilities=_caps(request))
    if request.POST.get("scanned"):
        number = number_from_label(request.POST["scanned"])
        card = cards.filter(number=number).first() if number else None
        if card is None:
            return {
                "ok": False,
                "message": _("标签“%(text)s”不是本校的资产。") % {"text": request.POST["scanned"][:60]},
            }
    else:
        card = cards.filter(pk=request.POST.get("asset") or 0).first()
        if card is None:
            return {"ok": False, "message": _("请选择资产。")}
    found = request.POST.get("result", "found") != "not_found"
    quantity = request.POST.get("counted_quantity", "").strip()
    try:
        item = actions.record_count(
            stocktake,
            asset=card,
            found=found,
            counted_quantity=int(quantity) if quantity.isdigit() else None,
            location=room if found else None,
            actor=request.user,
        )
    except ValidationError as error:
        return {"ok": False, "message": " ".join(error.messages)}
    return {
        "ok": True,
        "message": f"{card.number} {card.name}：{item.get_result_display()}",
        "result": item.result,
    }


@require_POST
@any_capability(C.ASSETS_MANAGE)
def gain(request, stocktake_id):
    found = _stocktake(request, stocktake_id)
    form = forms.GainForm(request.POST, choices=forms.Choices(request))
    if form.is_valid():
        try:
            actions.record_gain(found, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已登记盘盈：%(name)s") % {"name": form.cleaned_data["name"]})
    else:
        messages.error(
            request,
            _("盘盈登记有误：%(errors)s") % {"errors": " ".join(m for e in form.errors.values() for m in e)},
        )
    if request.POST.get("back") == "count":
        room = request.POST.get("location", "")
        return redirect(
            reverse("frontend:assets:count", args=[found.pk]) + (f"?room={room}" if room.isdigit() else "")
        )
    return redirect("frontend:assets:stocktake", found.pk)


@require_POST
@any_capability(C.ASSETS_MANAGE)
def mark_uncounted(request, stocktake_id):
    found = _stocktake(request, stocktake_id)
    try:
        marked = actions.mark_uncounted_not_found(found, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已将 %(count)s 项未清点的资产标为未找到。") % {"count": marked})
    return redirect("frontend:assets:stocktake", found.pk)


@require_POST
@any_capability(C.ASSETS_APPROVE)
def close(request, stocktake_id):
    found = _stocktake(request, stocktake_id)
    approved = [int(value) for value in request.POST.getlist("approve") if value.isdigit()]
    try:
        actions.close_stocktake(found, approved_items=approved, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("盘点已结束，已按批准的 %(count)s 项调整账目。") % {"count": len(approved)}
        )
    return redirect("frontend:assets:stocktake", found.pk)


@require_GET
@any_capability(C.ASSETS_VIEW)
def export(request, stocktake_id):
    found = _stocktake(request, stocktake_id)
    stamp = timezone.localtime().strftime("%Y%m%d")
    return _xlsx(exports.stocktake_workbook(found), f"stocktake-{found.pk}-{stamp}.xlsx")
