from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from eduplatform.checklists.models import Severity
from eduplatform.safety.models import Hazard, HazardCategory, HazardStatus, InspectionStatus
from tenants.routing import school_reverse
from tests.conftest import logged_in
from tests.safety.conftest import clean, photo_upload


def api(school, name, **kwargs):
    return school_reverse(school, f"school-api:{name}", **kwargs)


def _hazard(actor, **fields):
    from eduplatform.safety.actions import report_hazard

    values = {"category": HazardCategory.FIRE, "severity": Severity.MINOR, "location": "食堂",
              "description": "灭火器过期", "photos": [clean()], "actor": actor}  # fmt: skip
    values.update(fields)
    return report_hazard(**values)


def test_an_inspection_through_the_api_with_a_photo_and_a_failed_item(
    school_a, patrol_template, safety_officer
):
    client = logged_in(safety_officer)
    started = client.post(api(school_a, "safety-inspection-list"), {"template": patrol_template.pk, "location": "操场"},
                          content_type="application/json")  # fmt: skip
    assert started.status_code == 201, started.content
    body = started.json()
    items = {item["text"]: item for item in body["items"]}
    exit_id = items["安全出口畅通"]["id"]
    uploaded = client.post(
        api(school_a, "safety-inspection-photos", pk=body["id"]), {"item": exit_id, "photo": photo_upload()}
    )
    assert uploaded.status_code == 201, uploaded.content
    submitted = client.post(
        api(school_a, "safety-inspection-submit", pk=body["id"]),
        {
            "answers": {
                str(exit_id): {"result": "fail", "note": "堆放杂物"},
                str(items["灭火器压力"]["id"]): {"number": "1.1"},
            }
        },
        content_type="application/json",
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == InspectionStatus.SUBMITTED
    hazards = client.get(api(school_a, "safety-hazard-list")).json()["results"]
    assert len(hazards) == 1 and hazards[0]["inspection_item"] == exit_id and len(hazards[0]["photos"]) == 1


def test_refusals_come_back_as_problem_json_with_the_field_and_code(
    school_a, patrol_template, safety_officer
):
    client = logged_in(safety_officer)
    body = client.post(api(school_a, "safety-inspection-list"), {"template": patrol_template.pk},
                       content_type="application/json").json()  # fmt: skip
    number_id = next(item["id"] for item in body["items"] if item["text"] == "灭火器压力")
    response = client.post(
        api(school_a, "safety-inspection-answers", pk=body["id"]),
        {"answers": {str(number_id): {"number": "9"}}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    error = response.json()["errors"][f"item-{number_id}"][0]
    assert error["code"] == "out_of_range" and "灭火器压力" in error["message"]


def test_a_photo_that_is_not_an_image_is_refused(school_a, staff_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = logged_in(staff_a).post(
        api(school_a, "safety-hazard-list"),
        {"category": "fire", "severity": "minor", "location": "楼道", "description": "电线裸露",
         "photos": [SimpleUploadedFile("x.jpg", b"<html>not an image</html>", content_type="image/jpeg")]},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"]["photos"][0]["code"] == "photo_invalid"


def test_rectify_and_verify_through_the_api(school_a, safety_officer, principal, in_school_a):
    hazard = _hazard(safety_officer)
    officer, head = logged_in(safety_officer), logged_in(principal)
    refused = officer.post(api(school_a, "safety-hazard-rectify", pk=hazard.pk), {"notes": "已更换"})
    assert refused.status_code == 400 and refused.json()["errors"]["photos"][0]["code"] == "evidence_required"
    done = officer.post(
        api(school_a, "safety-hazard-rectify", pk=hazard.pk), {"notes": "已更换", "photos": [photo_upload()]}
    )
    assert done.status_code == 200 and done.json()["status"] == HazardStatus.RECTIFIED
    own = officer.post(api(school_a, "safety-hazard-verify", pk=hazard.pk), {"notes": "好"})
    assert own.status_code == 400 and own.json()["errors"]["verifier"][0]["code"] == "same_person"
    verified = head.post(api(school_a, "safety-hazard-verify", pk=hazard.pk), {"notes": "好"})
    assert verified.status_code == 200 and verified.json()["status"] == HazardStatus.VERIFIED


def test_staff_cannot_verify_and_see_only_their_own_hazards(school_a, staff_a, safety_officer, in_school_a):
    theirs = _hazard(staff_a)
    other = _hazard(safety_officer)
    client = logged_in(staff_a)
    listed = [row["id"] for row in client.get(api(school_a, "safety-hazard-list")).json()["results"]]
    assert listed == [theirs.pk]
    assert client.get(api(school_a, "safety-hazard-detail", pk=other.pk)).status_code == 404
    assert client.post(api(school_a, "safety-hazard-verify", pk=theirs.pk), {}).status_code == 403


def test_another_schools_hazard_is_a_404(school_a, school_b, member_b, safety_officer, in_school_a):
    hazard = _hazard(safety_officer)
    assert logged_in(member_b).get(api(school_a, "safety-hazard-detail", pk=hazard.pk)).status_code == 404


def test_a_bureau_inspector_reports_a_visit_finding_and_verifies(
    school_a, inspector, safety_officer, in_school_a
):
    client = logged_in(inspector)
    response = client.post(
        api(school_a, "safety-hazard-list"),
        {"category": "building", "severity": "major", "location": "实验楼", "description": "外墙开裂"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "bureau_visit"


def test_the_hazard_list_filters_and_pins_its_queries(
    school_a, safety_officer, in_school_a, django_assert_num_queries
):
    for number in range(5):
        _hazard(safety_officer, severity=Severity.MAJOR if number % 2 else Severity.MINOR)
    Hazard.objects.filter(severity=Severity.MAJOR).update(
        deadline=timezone.localdate(), reported_on=timezone.localdate() - timedelta(days=5)
    )
    Hazard.objects.filter(severity=Severity.MAJOR).update(deadline=timezone.localdate() - timedelta(days=1))
    client = logged_in(safety_officer)
    url = api(school_a, "safety-hazard-list") + "?severity=major&overdue=1"
    client.get(url)  # warm the session and the membership lookups
    # session, user, school routing, capabilities, the page and its photos: the same for any page size
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2 and all(
        row["is_overdue"] for row in response.json()["results"]
    )
