from __future__ import annotations

from django.core.management import call_command
from django.test import Client
from django_tenants.utils import schema_context

from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import Role
from tenants.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_SCHOOLS
from tenants.models import School, SchoolKind


def test_seed_demo_is_idempotent_and_covers_every_role(db):
    call_command("seed_demo")
    counts = (School.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (School.objects.count(), User.objects.count(), Membership.objects.count()) == counts

    demo_schools = School.objects.filter(code__in=[school.code for school in DEMO_SCHOOLS])
    assert {school.kind for school in demo_schools} == {
        SchoolKind.PRIMARY,
        SchoolKind.JUNIOR,
        SchoolKind.KINDERGARTEN,
    }
    assert all(school.is_ready for school in demo_schools)
    assert {account.role for account in DEMO_ACCOUNTS} == set(Role) - {Role.BUREAU_VIEWER}


def test_the_demo_school_has_records_made_by_the_domain_actions(db):
    from eduplatform.assets.models import Asset, AssetMovement, AssetStatus
    from eduplatform.compliance.models import ComplianceFact
    from eduplatform.duty.models import Shift
    from eduplatform.safety.models import Building, Hazard, Visitor
    from eduplatform.vehicles.models import Vehicle

    call_command("seed_demo")
    primary = School.objects.get(code=DEMO_SCHOOLS[0].code)
    with schema_context(primary.schema_name):
        counts = (Asset.objects.count(), AssetMovement.objects.count(), Hazard.objects.count())
        assert Asset.objects.get(name="多媒体投影仪").status == AssetStatus.BORROWED
        assert Asset.objects.get(name="学生课桌椅").school_class.name == "三年级1班"
        assert Building.objects.count() == 2 and Hazard.objects.count() == 2
        assert Visitor.objects.filter(left_at__isnull=True).count() == 1
        assert Shift.objects.filter(kind="week").count() == 1 and Vehicle.objects.count() == 1
    assert ComplianceFact.objects.filter(school=primary).exists()
    call_command("seed_demo")
    with schema_context(primary.schema_name):
        assert (Asset.objects.count(), AssetMovement.objects.count(), Hazard.objects.count()) == counts
    # The other demo schools start empty, as a new school does.
    with schema_context(School.objects.get(code=DEMO_SCHOOLS[1].code).schema_name):
        assert not Asset.objects.exists()


def test_demo_accounts_log_in_and_reach_their_school(db):
    call_command("seed_demo")
    primary = DEMO_SCHOOLS[0].code
    for account in DEMO_ACCOUNTS:
        client = Client()
        assert client.login(username=account.username, password=DEMO_PASSWORD), account.username
        assert client.get(f"/s/{primary}/").status_code == 200, account.username
