from __future__ import annotations

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from eduplatform.checklists.refusals import first_code
from eduplatform.compliance.models import ComplianceFact
from eduplatform.organisation.models import Department
from eduplatform.safety import campus_facts
from eduplatform.safety.actions import sign_agreement
from eduplatform.safety.agreements import progress
from eduplatform.safety.models import Agreement
from eduplatform.safety.photos import clean_signature
from tenants.routing import school_reverse
from tests.conftest import logged_in


def signature_data_url() -> str:
    buffer = io.BytesIO()
    Image.new("RGBA", (200, 80), (0, 0, 0, 255)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def page(school, name, **kwargs):
    return school_reverse(school, f"frontend:safety:{name}", **kwargs)


def test_who_has_not_signed_and_the_signing_rate(school_a, safety_officer, staff_a, in_school_a):
    year = timezone.localdate().year
    before = progress(in_school_a, year)
    assert staff_a in before.unsigned_staff and safety_officer in before.unsigned_staff
    department = Department.objects.filter(is_active=True).first() or Department.objects.create(name="总务处")

    sign_agreement(year=year, signer=staff_a, signature=clean_signature(signature_data_url()), actor=staff_a)
    sign_agreement(year=year, department=department, scan=SimpleUploadedFile("scan.pdf", b"%PDF"),
                   actor=safety_officer)  # fmt: skip
    sign_agreement(year=year, contractor="学校食堂承包公司", scan=SimpleUploadedFile("c.pdf", b"%PDF"),
                   actor=safety_officer)  # fmt: skip
    after = progress(in_school_a, year)
    assert staff_a not in after.unsigned_staff and department not in after.unsigned_departments
    assert safety_officer in after.unsigned_staff
    assert after.signed_required == 2
    fact = ComplianceFact.objects.get(
        school=in_school_a, key=campus_facts.AGREEMENTS_SIGNED, period=str(year)
    )
    assert (fact.numerator, fact.denominator) == (2, after.required)


def test_signing_refusals(safety_officer, staff_a, in_school_a):
    year = timezone.localdate().year
    signature = clean_signature(signature_data_url())
    cases = [
        ({"signer": staff_a, "signature": signature, "actor": safety_officer}, "sign_for_yourself"),
        ({"signer": staff_a, "actor": staff_a}, "signature_required"),
        ({"actor": staff_a, "signature": signature}, "choose_one_party"),
        ({"signer": staff_a, "year": year - 5, "signature": signature, "actor": staff_a}, "invalid_year"),
    ]
    for fields, code in cases:
        values = {"year": year, **fields}
        with pytest.raises(ValidationError) as refused:
            sign_agreement(**values)
        assert first_code(refused.value) == code, code
    assert Agreement.objects.count() == 0
    sign_agreement(year=year, signer=staff_a, signature=signature, actor=staff_a)
    with pytest.raises(ValidationError) as refused:
        sign_agreement(
            year=year, signer=staff_a, signature=clean_signature(signature_data_url()), actor=staff_a
        )
    assert first_code(refused.value) == "already_signed"
    assert Agreement.objects.count() == 1


def test_staff_sign_their_own_on_the_page_and_the_office_sees_who_has_not(school_a, staff_a, safety_officer):
    client = logged_in(staff_a)
    assert client.get(page(school_a, "agreements")).status_code == 200
    done = client.post(page(school_a, "sign-own-agreement"), {"signature": signature_data_url()})
    assert done.status_code == 302
    assert "已签订" in client.get(page(school_a, "agreements")).content.decode()
    office = logged_in(safety_officer).get(page(school_a, "agreements")).content.decode()
    unsigned = office.split('data-testid="unsigned"')[1].split("</ul>")[0]
    assert (safety_officer.name or safety_officer.username) in unsigned
    assert (staff_a.name or staff_a.username) not in unsigned
    # Staff may not upload scans for others.
    assert client.post(page(school_a, "upload-agreement"), {"contractor": "某公司"}).status_code == 403


def test_agreements_through_the_api(school_a, staff_a, safety_officer):
    url = school_reverse(school_a, "school-api:safety-agreement-list")
    year = timezone.localdate().year
    staff = logged_in(staff_a)
    own = staff.post(url, {"year": year, "signer": staff_a.pk, "signature": signature_data_url()})
    assert own.status_code == 201, own.content
    other = staff.post(
        url, {"year": year, "contractor": "某公司", "scan": SimpleUploadedFile("a.pdf", b"%PDF")}
    )
    assert other.status_code == 403
    office = logged_in(safety_officer)
    scanned = office.post(
        url, {"year": year, "contractor": "某公司", "scan": SimpleUploadedFile("a.pdf", b"%PDF")}
    )
    assert scanned.status_code == 201, scanned.content
    again = office.post(
        url, {"year": year, "contractor": "某公司", "scan": SimpleUploadedFile("a.pdf", b"%PDF")}
    )
    assert again.status_code == 400 and again.json()["errors"]["party"][0]["code"] == "already_signed"
    listed = office.get(url + f"?year={year}").json()["results"]
    assert {row["party"] for row in listed} == {"staff", "contractor"}
    with schema_context(school_a.schema_name):
        assert Agreement.objects.count() == 2


def test_the_agreement_lists_pin_their_queries(school_a, safety_officer, django_assert_max_num_queries):
    client = logged_in(safety_officer)
    year = timezone.localdate().year

    def add(names):
        with schema_context(school_a.schema_name):
            for name in names:
                sign_agreement(year=year, contractor=name, scan=SimpleUploadedFile("a.pdf", b"%PDF"),
                               actor=safety_officer)  # fmt: skip

    for url in (page(school_a, "agreements"), school_reverse(school_a, "school-api:safety-agreement-list")):
        add([f"{url}-{index}" for index in range(2)])
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        few = len(captured.captured_queries)
        add([f"{url}-{index}" for index in range(2, 8)])
        with django_assert_max_num_queries(few):
            assert client.get(url).status_code == 200
