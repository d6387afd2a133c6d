"""The audit page: school leaders see their school's trail, the bureau its schools'."""

from __future__ import annotations

from datetime import datetime, time
from io import BytesIO

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from eduplatform.accounts.roles import Capability
from eduplatform.audit.access import audit_events_for_district, audit_events_for_school
from frontend.access import capability_required
from frontend.forms import TablerForm

EXPORT_ROW_LIMIT = 50_000

ACTION_LABELS = {
    "create": gettext_lazy("新建"),
    "update": gettext_lazy("修改"),
    "delete": gettext_lazy("删除"),
    "archive": gettext_lazy("归档"),
    "restore": gettext_lazy("恢复"),
    "revoke": gettext_lazy("吊销"),
    "login": gettext_lazy("登录"),
    "logout": gettext_lazy("退出"),
    "login_failed": gettext_lazy("登录失败"),
    "lockout": gettext_lazy("账号锁定"),
    "access_refused": gettext_lazy("拒绝访问"),
    "api_key_refused": gettext_lazy("API 密钥被拒"),
    "password_change": gettext_lazy("修改密码"),
    "purge": gettext_lazy("清理过期记录"),
}


class AuditFilterForm(TablerForm, forms.Form):
    person = forms.CharField(label=gettext_lazy("操作人"), required=False, max_length=100)
    object_type = forms.CharField(label=gettext_lazy("记录类型"), required=False, max_length=100)
    action = forms.CharField(label=gettext_lazy("操作"), required=False, max_length=40)
    date_from = forms.DateField(
        label=gettext_lazy("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def apply(self, events):
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["person"]:
            events = events.filter(
                Q(actor_label__icontains=data["person"])
                | Q(actor__name__icontains=data["person"])
                | Q(actor__phone=data["person"])
            )
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["action"]:
            events = events.filter(action=data["action"])
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(created_at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data["date_to"]:
            events = events.filter(created_at__lte=datetime.combine(data["date_to"], time.max, zone))
        return events


def _events_for(request):
    school = getattr(request, "school", None)
    if school is not None:
        return audit_events_for_school(request.user, school)
    return audit_events_for_district(request.user)


@require_GET
@capability_required(Capability.AUDIT_VIEW)
def audit_events(request):
    form = AuditFilterForm(request.GET or None)
    events = _events_for(request)
    if request.GET:
        events = form.apply(events)
    events = events.select_related("actor", "school").order_by("-created_at", "-pk")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "action_labels": ACTION_LABELS,
        "object_types": _events_for(request).order_by().values_list("object_type", flat=True).distinct(),
    }
    template = "audit/partials/events_table.html" if request.htmx else "audit/events.html"
    return render(request, template, context)


@require_GET
@capability_required(Capability.AUDIT_VIEW)
def export_audit_events(request):
    form = AuditFilterForm(request.GET or None)
    events = _events_for(request)
    if request.GET:
        events = form.apply(events)
    events = events.select_related("school").order_by("-created_at", "-pk")[:EXPORT_ROW_LIMIT]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("审计记录"))
    sheet.append(
        [
            _("时间"),
            _("操作人"),
            _("学校"),
            _("操作"),
            _("记录类型"),
            _("记录编号"),
            _("修改前"),
            _("修改后"),
            _("上下文"),
        ]
    )
    zone = timezone.get_current_timezone()
    for event in events.iterator(chunk_size=2000):
        sheet.append(
            [
                event.created_at.astimezone(zone).replace(tzinfo=None),
                event.actor_label,
                event.school.name if event.school else "",
                str(ACTION_LABELS.get(event.action, event.action)),
                event.object_type,
                event.object_id,
                _cell(event.before),
                _cell(event.after),
                _cell(event.context),
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response


def _cell(value) -> str:
    if not value:
        return ""
    import json

    # A spreadsheet cell must not start with =, + or - (formula injection); JSON never does.
    return json.dumps(value, ensure_ascii=False, sort_keys=True)[:32000]
