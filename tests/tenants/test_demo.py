from __future__ import annotations

from django.core.management import call_command
from django.test import Client

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


def test_demo_accounts_log_in_and_reach_their_school(db):
    call_command("seed_demo")
    primary = DEMO_SCHOOLS[0].code
    for account in DEMO_ACCOUNTS:
        client = Client()
        assert client.login(username=account.username, password=DEMO_PASSWORD), account.username
        assert client.get(f"/s/{primary}/").status_code == 200, account.username
