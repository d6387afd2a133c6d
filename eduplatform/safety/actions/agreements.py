"""Signing a safety responsibility agreement: on the phone's signature pad, by the person
themselves, or as an uploaded scan of the signed paper (by whoever records safety)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.audit.trail import current_school, record_change
from eduplatform.checklists.refusals import refusal
from eduplatform.safety import campus_facts
from eduplatform.safety.actions.buildings import check_document
from eduplatform.safety.models import Agreement, AgreementParty, SignatureMethod


def sign_agreement(
    *, year: int, signer=None, department=None, contractor: str = "", signature=None, scan=None, actor
) -> Agreement:
    """One party signs for a year. `signature` is a cleaned PNG (safety.photos.clean_signature);
    `scan` an uploaded file of the signed paper."""
    contractor = (contractor or "").strip()
    parties = [party for party in (signer, department, contractor or None) if party is not None]
    if len(parties) != 1:
        raise refusal("party", _("请选择一个签订方（教职工、部门或驻校单位）。"), "choose_one_party")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not this_year - 1 <= year <= this_year + 1:
        raise refusal("year", _("年度应为 %(year)s 年前后一年内。") % {"year": this_year}, "invalid_year")
    if signature is None and scan is None:
        raise refusal("signature", _("请在手机上签名，或上传签字后的扫描件。"), "signature_required")
    if signature is not None and signer is not None and signer.pk != getattr(actor, "pk", None):
        raise refusal("signature", _("手机签名须由本人完成；代签请上传扫描件。"), "sign_for_yourself")
    check_document(scan, "scan")
    if signer is not None:
        party, name = AgreementParty.STAFF, signer.name or signer.username
    elif department is not None:
        party, name = AgreementParty.DEPARTMENT, department.name
    else:
        party, name = AgreementParty.CONTRACTOR, contractor[:100]
    already = Agreement.objects.filter(year=year)
    already = (
        already.filter(signer=signer)
        if signer is not None
        else already.filter(department=department)
        if department is not None
        else already.filter(party=AgreementParty.CONTRACTOR, party_name=name)
    )
    if already.exists():
        raise refusal("party", _("%(name)s 本年度已签订安全责任书。") % {"name": name}, "already_signed")
    try:
        with transaction.atomic():
            agreement = Agreement(
                year=year, party=party, signer=signer, department=department, party_name=name,
                method=SignatureMethod.PAD if signature is not None else SignatureMethod.SCAN,
                signed_at=timezone.now(), recorded_by=actor if getattr(actor, "pk", None) else None,
            )  # fmt: skip
            if signature is not None:
                agreement.signature.save(signature.name, signature, save=False)
            else:
                agreement.scan.save(scan.name, scan, save=False)
            agreement.save()
            record_change(actor=actor, action="sign", instance=agreement, before=None)
            campus_facts.refresh_agreement_facts(current_school(), year)
    except IntegrityError:
        raise refusal(
            "party", _("%(name)s 本年度已签订安全责任书。") % {"name": name}, "already_signed"
        ) from None
    return agreement
