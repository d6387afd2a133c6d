"""The bureau's page for the GB/T 14885 code tables: what is loaded, and loading the
district's official table (either edition) or its 2010 -> 2022 mapping."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from eduplatform.accounts.access import districts_for_user
from eduplatform.accounts.roles import Capability
from eduplatform.classification.access import codes_for_user
from eduplatform.classification.actions import load_code_mapping, load_code_table
from eduplatform.classification.models import Edition
from frontend.access import capability_required, page_capabilities
from frontend.assets.forms import add_refusal
from frontend.forms import TablerForm

TABLE_BYTES = 10 * 1024 * 1024


class LoadForm(TablerForm, forms.Form):
    district = forms.ModelChoiceField(queryset=None, label=gettext_lazy("教育局"), empty_label=None)
    kind = forms.ChoiceField(
        label=gettext_lazy("内容"),
        choices=[("codes", gettext_lazy("分类代码表")), ("mapping", gettext_lazy("新旧代码对照表"))],
    )
    edition = forms.ChoiceField(label=gettext_lazy("版本"), choices=Edition.choices, required=False)
    file = forms.FileField(
        label=gettext_lazy("文件（.xlsx 或 .csv）"),
        help_text=gettext_lazy("代码表的列：分类代码、名称、上级代码；对照表的列：2010版代码、2022版代码。"),
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.SCHOOL_VIEW)
def codes(request):
    can_load = Capability.SCHOOLS_MANAGE in page_capabilities(request)
    districts = districts_for_user(request.user)
    form = LoadForm(request.POST or None, request.FILES or None)
    form.fields["district"].queryset = districts
    if request.method == "POST":
        if not can_load:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            content = upload.read(TABLE_BYTES + 1)
            try:
                if data["kind"] == "mapping":
                    result = load_code_mapping(
                        district=data["district"], content=content, filename=upload.name, actor=request.user
                    )
                else:
                    result = load_code_table(
                        district=data["district"], edition=data["edition"], content=content,
                        filename=upload.name, actor=request.user,
                    )  # fmt: skip
            except ValidationError as error:
                add_refusal(form, error)
            else:
                messages.success(
                    request,
                    _("已导入：新增 %(created)s 条，更新 %(updated)s 条，未变 %(unchanged)s 条。")
                    % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                )
                return redirect("frontend:classification:codes")
    listed = codes_for_user(request.user).select_related("district")
    query = request.GET.get("q", "").strip()[:50]
    if query:
        listed = listed.filter(code__startswith=query.upper()) | listed.filter(name__contains=query)
    counts = {
        (row["edition"]): row["total"]
        for row in codes_for_user(request.user).order_by().values("edition").annotate(total=Count("id"))
    }
    page = Paginator(listed.order_by("edition", "code"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assets/bureau_codes.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "counts": counts,
            "can_load": can_load,
            "editions": Edition,
        },
    )
