"""The ledger, a card and its history, the movement forms, labels and exports.

Views parse, call eduplatform.assets (actions to write, access to read), and render. A
refusal from the domain is shown beside the field it names. The ledger answers htmx
requests with its table alone, so searching and filtering do not reload the page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from html import escape

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eduplatform.accounts.roles import Capability
from eduplatform.assets import access, actions, exports, labels
from eduplatform.assets.facts import missing_finance_fields
from eduplatform.assets.models import (
    AssetKind,
    AssetStatus,
    DisposalStatus,
    Location,
    MovementKind,
)
from eduplatform.assets.search import ON_BOOKS, AssetQuery, search_assets
from eduplatform.organisation.access import departments_for_school
from frontend.access import page_capabilities
from frontend.assets import forms, ledger_rows
from frontend.assets.pagination import WindowPage

C = Capability
PER_PAGE = 50
HISTORY_SHOWN = 30
PARTS_SHOWN = 50
LEDGER_SORTS = [
    ("number", gettext_lazy("编号")), ("-number", gettext_lazy("编号（倒序）")), ("name", gettext_lazy("名称")),
    ("-acquired", gettext_lazy("取得日期（新在前）")), ("acquired", gettext_lazy("取得日期（旧在前）")),
    ("-value", gettext_lazy("原值（高在前）")), ("value", gettext_lazy("原值（低在前）")), ("-updated", gettext_lazy("最近变动")),
]  # fmt: skip
LABELS_PER_SHEET = 24  # 3 × 8 on A4
MAX_LABELS = 24 * 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def any_capability(*capabilities: Capability):
    """A page open to anyone holding one of the capabilities here (others: 403; anonymous: login)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not set(capabilities) & page_capabilities(request):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capability = capabilities[0]
        return wrapped

    return decorator


def _caps(request):
    return page_capabilities(request)


def _asset(request, asset_id):
    return access.asset_for_user(request.user, asset_id, capabilities=_caps(request))


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The ledger ----------------------------------------------------------------------------


def _options(choices, selected) -> SafeString:
    """<option>s for a filter's <select>, the chosen one marked. Values and labels escaped by
    the standard library's html.escape, as in ledger_rows: format_html's checks for lazy
    strings were most of the cost of a school's hundreds of rooms."""
    return mark_safe(  # noqa: S308 - every value and label is escaped
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if value == selected else ""}>{escape(str(label))}</option>'
            for value, label in choices
        )
    )


def _ledger_query(request):
    query = AssetQuery.from_params(request.GET)
    return query, search_assets(access.assets_for_user(request.user, capabilities=_caps(request)), query)


@require_GET
@any_capability(C.ASSETS_VIEW)
def ledger(request):
    query, cards = _ledger_query(request)
    # Only what the table shows, as plain tuples (the search text alone is as long as the rest).
    page = WindowPage.of(
        cards.values_list(*ledger_rows.COLUMNS, named=True), request.GET.get("page"), PER_PAGE
    )
    context = {
        "page": page,
        "rows": ledger_rows.rows_html(
            page,
            ledger_url=reverse("frontend:assets:ledger"),
            select_label=_("选择"),
            # The labels once per page: get_status_display() translates every choice on each call.
            status_labels={key: str(label) for key, label in AssetStatus.choices},
            kind_labels={key: str(label) for key, label in AssetKind.choices},
        ),
        "query": query,
        "filters": request.GET.urlencode(),
        "can_manage": C.ASSETS_MANAGE in _caps(request),
    }
    if request.htmx:
        return render(request, "assets/partials/ledger_table.html", context)
    locations = access.locations_for_user(request.user, capabilities=_caps(request)).filter(is_active=True)
    # Built here rather than looped in the template: a school's hundreds of rooms were
    # 40% of the page's template nodes.
    context["location_options"] = _options(
        (
            (pk, Location.label_of(building, floor, room))
            for pk, building, floor, room in locations.values_list("pk", "building", "floor", "room")
        ),
        query.location_id,
    )
    context["department_options"] = _options(
        departments_for_school().filter(is_active=True).values_list("pk", "name"), query.department_id
    )
    context["status_options"] = _options(
        [(ON_BOOKS, _("在账（未处置）")), *AssetStatus.choices], query.status
    )
    context["kind_options"] = _options(AssetKind.choices[:2], query.kind)
    context["sort_options"] = _options(LEDGER_SORTS, query.ordering)
    return render(request, "assets/ledger.html", context)


@require_GET
@any_capability(C.ASSETS_VIEW)
def ledger_count(request):
    """How many cards the ledger's filters match: asked for by the page once it is shown."""
    _query, cards = _ledger_query(request)
    return render(request, "assets/partials/ledger_count.html", {"count": cards.order_by().count()})


@require_GET
@any_capability(C.ASSETS_VIEW)
def export_ledger(request):
    """The filtered ledger in the import template's columns: it can be imported again."""
    _query, cards = _ledger_query(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx(exports.ledger_workbook(cards), f"assets-{stamp}.xlsx")


@require_GET
@any_capability(C.ASSETS_VIEW)
def export_finance(request):
    """The filtered cards in the layout of the government's asset system."""
    _query, cards = _ledger_query(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx(
        exports.finance_cards_workbook(cards, as_of=timezone.localdate()), f"asset-cards-{stamp}.xlsx"
    )


# --- One card ----------------------------------------------------------------------------------


@require_GET
@any_capability(C.ASSETS_VIEW, C.ASSETS_BORROW)
def asset(request, asset_id):
    card = _asset(request, asset_id)
    caps = _caps(request)
    today = timezone.localdate()
    # Newest first; a card with a long life shows its latest movements unless all are asked for.
    movements = access.movements_of(card).order_by("-id")
    show_all = request.GET.get("history") == "all"
    history = list(movements if show_all else movements[: HISTORY_SHOWN + 1])
    has_more = not show_all and len(history) > HISTORY_SHOWN
    kind_labels = {key: str(label) for key, label in MovementKind.choices}  # once, not per row
    for movement in history:
        movement.kind_label = kind_labels.get(movement.kind, movement.kind)
    # The cards split from this one (拆分), newest numbers last.
    parts = access.assets_for_user(request.user, capabilities=caps).filter(split_from=card)
    parts = list(parts.select_related("location").order_by("number")[: PARTS_SHOWN + 1])
    return render(
        request,
        "assets/asset.html",
        {
            "asset": card,
            "history": history[:HISTORY_SHOWN] if has_more else history,
            "has_more_history": has_more,
            "depreciation": card.depreciation(today),
            "missing": missing_finance_fields(card),
            "attachments": list(card.attachments.all()),
            "damage_reports": list(card.damage_reports.order_by("-created_at")),
            "disposals": list(card.disposal_requests.prefetch_related("approvals").order_by("-created_at")),
            "parts": parts[:PARTS_SHOWN],
            "more_parts": len(parts) > PARTS_SHOWN,
            "verbs": _verbs(card) if C.ASSETS_MANAGE in caps else [],
            "can_manage": C.ASSETS_MANAGE in caps,
            "can_view": C.ASSETS_VIEW in caps,
            "kinds": MovementKind,
            "label_url": request.build_absolute_uri(reverse("frontend:assets:label", args=[card.number])),
        },
    )


# What can be done to a card in each status, in the order the page offers it.
VERBS = {
    "issue": (gettext_lazy("领用"), {AssetStatus.IN_STOCK}),
    "borrow": (gettext_lazy("借出"), {AssetStatus.IN_STOCK}),
    "return": (gettext_lazy("归还"), {AssetStatus.BORROWED}),
    "reclaim": (gettext_lazy("退库"), {AssetStatus.IN_USE}),
    "transfer": (gettext_lazy("调拨"), {AssetStatus.IN_STOCK, AssetStatus.IN_USE, AssetStatus.DAMAGED}),
    "repair-out": (gettext_lazy("送修"), {AssetStatus.IN_STOCK, AssetStatus.IN_USE, AssetStatus.DAMAGED}),
    "repair-back": (gettext_lazy("修回"), {AssetStatus.IN_REPAIR}),
    "damage": (
        gettext_lazy("报告损坏"),
        {AssetStatus.IN_STOCK, AssetStatus.IN_USE, AssetStatus.BORROWED, AssetStatus.DAMAGED},
    ),
    "dispose": (gettext_lazy("申请处置"), {AssetStatus.IN_STOCK, AssetStatus.IN_USE, AssetStatus.DAMAGED}),
}


def _verbs(card) -> list[dict]:
    return [
        {"verb": verb, "label": label, "url": reverse(f"frontend:assets:{verb}", args=[card.pk])}
        for verb, (label, statuses) in VERBS.items()
        if card.status in statuses
    ]


@require_GET
def by_label(request, number):
    """A scanned label: the card's page for anyone allowed to see it, 404 for anyone else."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    card = access.asset_by_number_for_user(request.user, number, capabilities=_caps(request))
    return redirect("frontend:assets:asset", card.pk)


def _action_page(
    request, asset_id, *, form_class, title: str, act: Callable, with_choices=True, success: str
):
    card = _asset(request, asset_id)
    kwargs = {"choices": forms.Choices(request)} if with_choices else {}
    if issubclass(form_class, forms.PartialMoveForm):
        kwargs["asset"] = card
    form = form_class(request.POST or None, request.FILES or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            result = act(card, form)
        except ValidationError as error:
            forms.add_refusal(form, error)
        else:
            messages.success(request, success)
            # Part of a batch moved as a card of its own (拆分): show that card.
            moved = getattr(result, "asset", None)
            if moved is not None and moved.pk != card.pk:
                messages.info(
                    request,
                    _("已从 %(number)s 拆分出 %(quantity)s %(unit)s，新卡片为 %(part)s。")
                    % {
                        "number": card.number,
                        "quantity": moved.quantity,
                        "unit": moved.unit,
                        "part": moved.number,
                    },
                )
                return redirect("frontend:assets:asset", moved.pk)
            return redirect("frontend:assets:asset", card.pk)
    return render(request, "assets/action.html", {"asset": card, "form": form, "title": title})


def movement_page(form_class, title, verb, success, *, with_choices=True, arguments=None):
    """A page with one form that calls one action on a card."""

    @require_http_methods(["GET", "POST"])
    @any_capability(C.ASSETS_MANAGE)
    def view(request, asset_id):
        def act(card, form):
            data = arguments(form) if arguments else dict(form.cleaned_data)
            return verb(card, actor=request.user, **data)

        return _action_page(
            request,
            asset_id,
            form_class=form_class,
            title=title,
            act=act,
            with_choices=with_choices,
            success=success,
        )

    return view


def _clean(**renames):
    def arguments(form):
        data = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
        for old, new in renames.items():
            if old in data:
                data[new] = data.pop(old)
        return data

    return arguments


issue = movement_page(
    forms.IssueForm,
    gettext_lazy("领用"),
    actions.issue_asset,
    gettext_lazy("已登记领用。"),
    arguments=_clean(),
)
reclaim = movement_page(
    forms.ReclaimForm,
    gettext_lazy("退库"),
    actions.reclaim_asset,
    gettext_lazy("已退库。"),
    arguments=_clean(),
)
borrow = movement_page(
    forms.BorrowForm, gettext_lazy("借出"), actions.borrow_asset, gettext_lazy("已借出。"), arguments=_clean()
)
give_back = movement_page(
    forms.ReturnForm, gettext_lazy("归还"), actions.return_asset, gettext_lazy("已归还。"), arguments=_clean()
)
transfer = movement_page(
    forms.TransferForm, gettext_lazy("调拨"), actions.transfer_asset, gettext_lazy("已调拨。"),
    arguments=lambda form: form.arguments(),
)  # fmt: skip
repair_out = movement_page(
    forms.RepairOutForm, gettext_lazy("送修"), actions.send_for_repair, gettext_lazy("已登记送修。"),
    with_choices=False, arguments=_clean(),
)  # fmt: skip
repair_back = movement_page(
    forms.RepairBackForm, gettext_lazy("修回"), actions.return_from_repair, gettext_lazy("已登记修回。"),
    with_choices=False, arguments=lambda form: dict(form.cleaned_data),
)  # fmt: skip
damage = movement_page(
    forms.DamageForm, gettext_lazy("报告损坏"), actions.report_damage, gettext_lazy("已登记损坏。"),
    arguments=lambda form: {**_clean()(form), "compensation_amount": form.cleaned_data["compensation_amount"] or 0},
)  # fmt: skip
dispose = movement_page(
    forms.DisposalRequestForm, gettext_lazy("申请处置"), actions.request_disposal,
    gettext_lazy("已提交处置申请，等待审批。"), with_choices=False,
)  # fmt: skip


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_MANAGE)
def edit(request, asset_id):
    card = _asset(request, asset_id)
    initial = {name: getattr(card, name) for name in forms.DetailsForm.base_fields}
    form = forms.DetailsForm(request.POST or None, initial=initial, choices=forms.Choices(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_asset_details(card, changes=form.changes(card), actor=request.user)
        except ValidationError as error:
            forms.add_refusal(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("frontend:assets:asset", card.pk)
    return render(request, "assets/action.html", {"asset": card, "form": form, "title": _("修改卡片信息")})


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_MANAGE)
def register(request):
    choices = forms.Choices(request)
    form = forms.RegisterForm(request.POST or None, choices=choices, initial={"handler": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            card = actions.register_asset(
                details=actions.AssetDetails(**form.details()),
                handler=data["handler"],
                acceptor=data["acceptor"],
                approver=data["approver"],
                location=data["location"],
                using_department=data["using_department"],
                custodian=data["custodian"],
                school_class=data["school_class"],
                number=data["number"],
                actor=request.user,
            )
        except ValidationError as error:
            forms.add_refusal(form, error)
        else:
            messages.success(
                request, _("已入库：%(number)s %(name)s") % {"number": card.number, "name": card.name}
            )
            return redirect("frontend:assets:asset", card.pk)
    return render(request, "assets/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_MANAGE)
def transfer_many(request):
    """调拨 several cards at once (desks of a class): the ledger's chosen rows come as `asset`."""
    ids = [
        value for value in request.POST.getlist("asset") or request.GET.getlist("asset") if value.isdigit()
    ]
    cards = list(
        access.assets_for_user(request.user, capabilities=_caps(request))
        .filter(pk__in=ids)
        .order_by("number")
    )
    if not cards:
        messages.warning(request, _("请先在台账中勾选要调拨的资产。"))
        return redirect("frontend:assets:ledger")
    form = forms.TransferForm(
        request.POST if "approver" in request.POST else None, choices=forms.Choices(request)
    )
    if form.is_bound and form.is_valid():
        try:
            actions.transfer_assets(cards, actor=request.user, **form.arguments())
        except ValidationError as error:
            forms.add_refusal(form, error)
        else:
            messages.success(request, _("已调拨 %(count)s 项资产。") % {"count": len(cards)})
            return redirect("frontend:assets:ledger")
    return render(request, "assets/transfer_many.html", {"form": form, "cards": cards})


@require_POST
@any_capability(C.ASSETS_MANAGE)
def upload_attachment(request, asset_id):
    card = _asset(request, asset_id)
    form = forms.UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_attachment(card, upload=form.cleaned_data["file"], actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已上传。"))
    else:
        messages.error(request, _("请选择要上传的照片或 PDF 文件。"))
    return redirect("frontend:assets:asset", card.pk)


@require_GET
@any_capability(C.ASSETS_VIEW, C.ASSETS_BORROW)
def attachment(request, asset_id, attachment_id):
    card = _asset(request, asset_id)
    found = card.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise Http404("No such attachment")
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = (
        "inline" if found.kind == "photo" else f'attachment; filename="{found.pk}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Damage reports and disposals ---------------------------------------------------------------------


@require_POST
@any_capability(C.ASSETS_MANAGE)
def compensation_paid(request, report_id):
    report = access.damage_report_for_user(request.user, report_id, capabilities=_caps(request))
    try:
        actions.record_compensation_paid(report, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已登记赔偿收讫。"))
    return redirect("frontend:assets:asset", report.asset_id)


@require_GET
@any_capability(C.ASSETS_VIEW)
def disposals(request):
    requests = (
        access.disposal_requests_for_user(request.user, capabilities=_caps(request))
        .select_related("asset", "requested_by")
        .prefetch_related("approvals__approver")
    )
    status = request.GET.get("status", DisposalStatus.PENDING)
    if status in DisposalStatus.values:
        requests = requests.filter(status=status)
    page = Paginator(requests.order_by("-created_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assets/disposals.html",
        {
            "page": page,
            "status": status,
            "statuses": DisposalStatus.choices,
            "form": forms.DecisionForm(),
            "can_manage": C.ASSETS_MANAGE in _caps(request),
        },
    )


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_MANAGE)
def disposal_outcome(request, request_id):
    """处置结果 of an approved disposal: who took it, when, for how much, handed to finance or not."""
    disposal = access.disposal_request_for_user(request.user, request_id, capabilities=_caps(request))
    initial = {
        "counterparty": disposal.counterparty,
        "disposed_on": disposal.disposed_on or timezone.localdate(),
        "proceeds": disposal.proceeds,
        "document_number": disposal.document_number,
        "is_remitted": disposal.is_remitted,
    }
    form = forms.OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_disposal_outcome(disposal, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.add_refusal(form, error)
        else:
            messages.success(request, _("已登记处置结果。"))
            return redirect("frontend:assets:asset", disposal.asset_id)
    return render(request, "assets/disposal_outcome.html", {"disposal": disposal, "form": form})


@require_POST
@any_capability(C.ASSETS_VIEW)
def decide_disposal(request, request_id, decision):
    disposal = access.disposal_request_for_user(request.user, request_id, capabilities=_caps(request))
    form = forms.DecisionForm(request.POST)
    form.is_valid()
    verb = actions.approve_disposal if decision == "approve" else actions.reject_disposal
    try:
        verb(disposal, note=form.cleaned_data.get("note", ""), actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已审批。") if decision == "approve" else _("已驳回。"))
    return redirect(request.POST.get("next") or reverse("frontend:assets:disposals"))


# --- Labels -----------------------------------------------------------------------------------------------


@require_GET
@any_capability(C.ASSETS_VIEW)
def label_sheet(request):
    """A4 sheets of QR labels (3 × 8 each) for the chosen cards or the filtered ledger."""
    ids = [value for value in request.GET.getlist("asset") if value.isdigit()]
    cards = access.assets_for_user(request.user, capabilities=_caps(request))
    cards = (
        cards.filter(pk__in=ids).order_by("number")
        if ids
        else search_assets(cards, AssetQuery.from_params(request.GET))
    )
    cards = list(cards.only("id", "number", "name")[: MAX_LABELS + 1])
    too_many = len(cards) > MAX_LABELS
    cards = cards[:MAX_LABELS]
    school = request.school
    entries = [
        {
            "number": card.number,
            "name": card.name,
            "qr": labels.qr_svg(
                request.build_absolute_uri(reverse("frontend:assets:label", args=[card.number]))
            ),
        }
        for card in cards
    ]
    sheets = [entries[start : start + LABELS_PER_SHEET] for start in range(0, len(entries), LABELS_PER_SHEET)]
    return render(
        request,
        "assets/labels.html",
        {"sheets": sheets, "school": school, "too_many": too_many, "count": len(entries)},
    )
