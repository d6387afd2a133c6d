"""API key pages: the key is shown once, listed by prefix only, and revoking it ends its use."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django.test import Client
from django.utils import timezone

from eduplatform.accounts.api_keys import create_api_key
from eduplatform.accounts.models import ApiKey
from eduplatform.audit.models import AuditEvent
from tests.conftest import logged_in


def in_a_month() -> str:
    return (timezone.localdate() + timedelta(days=30)).isoformat()


def secret_on(response) -> str:
    return re.search(r'id="api-key-secret"[^>]*>([^<]+)</textarea>', response.content.decode()).group(1)


def test_create_a_school_key_shows_the_secret_once(school_a, member_a):
    client = logged_in(member_a)
    assert client.get(f"/s/{school_a.code}/api-keys/new/").status_code == 200
    response = client.post(
        f"/s/{school_a.code}/api-keys/new/",
        {"name": "资产系统同步", "expires_on": in_a_month(), "is_read_write": "on"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = secret_on(response)
    key = ApiKey.objects.get(name="资产系统同步")
    assert (key.school, key.district, key.is_read_write, key.created_by) == (school_a, None, True, member_a)
    # Valid through the whole chosen day.
    assert key.expires_at == timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=31), time.min)
    )
    assert secret.startswith(f"edu_{key.prefix}.")
    assert secret not in key.secret_hash
    listing = client.get(f"/s/{school_a.code}/api-keys/").content.decode()
    assert "资产系统同步" in listing
    assert key.prefix in listing
    assert secret not in listing
    assert secret.split(".", 1)[1] not in listing
    # The key works on the school's API.
    api = Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert api.get(f"/s/{school_a.code}/api/v1/school/").status_code == 200
    [event] = AuditEvent.objects.filter(action="create", object_type="accounts.apikey", object_id=str(key.pk))
    assert "secret_hash" not in event.after


def test_revoking_through_the_page_makes_the_key_answer_401_api_key_revoked(school_a, member_a):
    key, secret = create_api_key(
        name="脚本", actor=member_a, school=school_a, expires_at=timezone.now() + timedelta(days=30)
    )
    api = Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert api.get(f"/s/{school_a.code}/api/v1/school/").status_code == 200
    client = logged_in(member_a)
    confirm = client.get(f"/s/{school_a.code}/api-keys/{key.pk}/revoke/")
    assert confirm.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is None  # asking changes nothing
    assert client.post(f"/s/{school_a.code}/api-keys/{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    response = api.get(f"/s/{school_a.code}/api/v1/school/")
    assert response.status_code == 401
    assert response.json()["code"] == "api_key_revoked"
    [event] = AuditEvent.objects.filter(action="revoke", object_type="accounts.apikey", object_id=str(key.pk))
    assert event.actor == member_a
    assert event.before["revoked_at"] is None and event.after["revoked_at"] is not None


def test_a_bureau_admin_makes_district_keys(world, bureau_admin):
    client = logged_in(bureau_admin)
    response = client.post(
        "/api-keys/new/",
        {"name": "区资产平台", "district": str(world.district.pk), "expires_on": in_a_month()},
    )
    secret = secret_on(response)
    key = ApiKey.objects.get(name="区资产平台")
    assert (key.district, key.school, key.is_read_write) == (world.district, None, False)
    assert Client(HTTP_AUTHORIZATION=f"Api-Key {secret}").get("/api/v1/schools/").status_code == 200


def test_the_bureau_list_shows_its_district_s_and_schools_keys_only(world, school_a, school_c, bureau_admin):
    soon = timezone.now() + timedelta(days=30)
    create_api_key(name="区级密钥", actor=None, district=world.district, expires_at=soon)
    create_api_key(name="A校密钥", actor=None, school=school_a, expires_at=soon)
    create_api_key(name="邻区密钥", actor=None, district=world.other_district, expires_at=soon)
    create_api_key(name="邻区学校密钥", actor=None, school=school_c, expires_at=soon)
    body = logged_in(bureau_admin).get("/api-keys/").content.decode()
    assert "区级密钥" in body and "A校密钥" in body
    assert "邻区密钥" not in body and "邻区学校密钥" not in body


def test_a_past_expiry_is_refused_beside_the_field(school_a, member_a):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = logged_in(member_a).post(
        f"/s/{school_a.code}/api-keys/new/", {"name": "过期", "expires_on": yesterday}
    )
    assert re.search(r'id="id_expires_on_error"><div>有效期不能早于今天。</div>', response.content.decode())
    assert not ApiKey.objects.filter(name="过期").exists()


def test_another_district_s_or_school_s_key_is_404(world, school_a, school_b, member_a, other_admin):
    soon = timezone.now() + timedelta(days=30)
    district_key, _secret = create_api_key(name="区级", actor=None, district=world.district, expires_at=soon)
    school_b_key, _secret = create_api_key(name="B校", actor=None, school=school_b, expires_at=soon)
    assert logged_in(other_admin).post(f"/api-keys/{district_key.pk}/revoke/").status_code == 404
    client = logged_in(member_a)
    assert client.get(f"/s/{school_a.code}/api-keys/{school_b_key.pk}/revoke/").status_code == 404
    assert client.post(f"/s/{school_a.code}/api-keys/{school_b_key.pk}/revoke/").status_code == 404
    assert client.post(f"/s/{school_a.code}/api-keys/{district_key.pk}/revoke/").status_code == 404
    assert (
        ApiKey.objects.filter(pk__in=[district_key.pk, school_b_key.pk], revoked_at__isnull=False).count()
        == 0
    )


def test_people_without_the_capability_cannot_manage_keys(school_a, inspector, staff_a):
    assert logged_in(inspector).get("/api-keys/").status_code == 403
    assert logged_in(inspector).get(f"/s/{school_a.code}/api-keys/").status_code == 403
    assert logged_in(staff_a).get(f"/s/{school_a.code}/api-keys/new/").status_code == 403
