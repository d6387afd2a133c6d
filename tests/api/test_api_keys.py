from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from eduplatform.accounts.api_keys import create_api_key, revoke_api_key
from eduplatform.accounts.models import ApiKey, ApiKeyRequest
from eduplatform.audit.models import AuditEvent


def key_client(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")


def make_key(**scope) -> tuple[ApiKey, str]:
    scope.setdefault("expires_at", timezone.now() + timedelta(days=30))
    return create_api_key(name="资产系统同步", actor=None, **scope)


def test_the_secret_is_stored_hashed_with_only_the_prefix_in_clear(school_a):
    key, secret = make_key(school=school_a)
    assert secret.startswith(f"edu_{key.prefix}.")
    assert secret.split(".", 1)[1] not in key.secret_hash
    assert ApiKey.objects.filter(secret_hash__contains=secret).count() == 0


def test_a_school_key_reads_its_school_and_nothing_else(school_a, school_b):
    _key, secret = make_key(school=school_a)
    client = key_client(secret)
    response = client.get(f"/s/{school_a.code}/api/v1/school/")
    assert response.status_code == 200
    assert response.json()["code"] == school_a.code
    other = client.get(f"/s/{school_b.code}/api/v1/school/")
    assert other.status_code == 404
    assert other.json()["code"] == "not_found"
    assert [row["code"] for row in client.get("/api/v1/schools/").json()["results"]] == [school_a.code]


def test_a_district_key_reaches_the_district_schools_only(world):
    _key, secret = make_key(district=world.district)
    client = key_client(secret)
    codes = [row["code"] for row in client.get("/api/v1/schools/").json()["results"]]
    assert world.school_a.code in codes and world.school_b.code in codes
    assert world.school_c.code not in codes
    assert client.get(f"/s/{world.school_a.code}/api/v1/departments/").status_code == 200
    assert client.get(f"/s/{world.school_c.code}/api/v1/departments/").status_code == 404
    assert client.get(f"/api/v1/schools/{world.school_c.code}/").status_code == 404


def test_an_expired_key_is_refused_with_its_own_code_and_audited(school_a):
    _key, secret = make_key(school=school_a, expires_at=timezone.now() + timedelta(days=1))
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        response = key_client(secret).get(f"/s/{school_a.code}/api/v1/school/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "api_key_expired"
    assert response["WWW-Authenticate"].startswith("Api-Key")
    assert AuditEvent.objects.filter(action="api_key_refused", context__reason="api_key_expired").exists()


def test_a_revoked_key_is_refused(school_a):
    key, secret = make_key(school=school_a)
    assert key_client(secret).get(f"/s/{school_a.code}/api/v1/school/").status_code == 200
    revoke_api_key(key=key, actor=None)
    response = key_client(secret).get(f"/s/{school_a.code}/api/v1/school/")
    assert (response.status_code, response.json()["code"]) == (401, "api_key_revoked")
    assert AuditEvent.objects.filter(
        action="revoke", object_type="accounts.apikey", object_id=str(key.pk)
    ).exists()


@pytest.mark.parametrize("header", ["Api-Key nonsense", "Api-Key edu_12345678.wrong-secret", "Api-Key "])
def test_a_malformed_or_unknown_key_is_refused(school_a, header):
    response = Client(HTTP_AUTHORIZATION=header).get(f"/s/{school_a.code}/api/v1/school/")
    assert (response.status_code, response.json()["code"]) == (401, "api_key_invalid")


def test_a_read_only_key_cannot_write(school_a):
    _key, secret = make_key(school=school_a)
    response = key_client(secret).post(
        f"/s/{school_a.code}/api/v1/departments/", {"name": "密钥创建的处室"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "api_key_read_only")


def test_a_read_write_key_still_needs_the_capability(school_a):
    _key, secret = make_key(school=school_a, is_read_write=True)
    response = key_client(secret).post(
        f"/s/{school_a.code}/api/v1/departments/", {"name": "密钥创建的处室"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "missing_capability")


def test_every_request_made_with_a_key_is_logged_and_last_use_recorded(school_a):
    key, secret = make_key(school=school_a)
    client = key_client(secret)
    client.get(f"/s/{school_a.code}/api/v1/school/")
    client.get(f"/s/{school_a.code}/api/v1/departments/?updated_since=not-a-date")
    logged = list(
        ApiKeyRequest.objects.filter(api_key=key).order_by("pk").values_list("method", "status_code")
    )
    assert logged == [("GET", 200), ("GET", 400)]
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_an_anonymous_api_call_is_told_how_to_authenticate(school_a):
    response = Client().get(f"/s/{school_a.code}/api/v1/school/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_updated_since_filters_and_refuses_a_bad_time(school_a, member_a):
    from tests.conftest import logged_in

    client = logged_in(member_a)
    everything = client.get(f"/s/{school_a.code}/api/v1/departments/").json()["results"]
    assert everything
    later = client.get(f"/s/{school_a.code}/api/v1/departments/?updated_since=2999-01-01T00:00:00").json()
    assert later["results"] == []
    bad = client.get(f"/s/{school_a.code}/api/v1/departments/?updated_since=yesterday")
    assert bad.status_code == 400
    assert bad.json()["errors"]["updated_since"][0]["code"] == "invalid_datetime"


def test_the_openapi_documents_describe_both_apis():
    district = Client().get("/api/schema/?format=json").json()
    school = Client().get("/api/schema/school/?format=json").json()
    assert "/api/v1/schools/" in district["paths"]
    assert "/s/{school_code}/api/v1/departments/" in school["paths"]
    assert "ApiKey" in school["components"]["securitySchemes"]
