"""The isolation matrix: every route and method, tried by everyone who must not get in.

Routes come from the URL resolvers, so a route added later is tried without anyone
remembering; one missing from tests/isolation/routes.py fails the test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.api_keys import create_api_key
from eduplatform.accounts.models import ApiKey, Membership, User
from eduplatform.accounts.roles import Role
from eduplatform.organisation.models import Department
from tenants.models import School
from tenants.routing import school_reverse
from tests.assets.isolation import make_assets_records
from tests.duty.isolation import make_duty_records
from tests.isolation.routes import DISTRICT, OPERATOR, PUBLIC, PUBLIC_ROUTES, SCHOOL, SCHOOL_ROUTES, Route
from tests.vehicles.isolation import make_vehicle_records
from tests.world import make_user

METHODS = ("get", "post", "put", "patch", "delete")


def route_names(urlconf: str) -> list[str]:
    """Every named route of a URLConf, as "namespace:name"."""
    names: list[str] = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                names.append(
                    f"{namespace}{pattern.name}"
                    if pattern.name
                    else f"{namespace}<unnamed {pattern.pattern}>"
                )

    walk(get_resolver(urlconf).url_patterns, "")
    return sorted(set(names))


def classify(name: str, table: dict[str, Route]) -> Route | None:
    if name in table:
        return table[name]
    namespace = name.split(":", 1)[0]
    return table.get(f"{namespace}:*")


@pytest.mark.parametrize(
    ("urlconf", "table"), [(settings.ROOT_URLCONF, PUBLIC_ROUTES), (settings.SCHOOL_URLCONF, SCHOOL_ROUTES)]
)
def test_every_route_is_classified(urlconf, table):
    unclassified = [name for name in route_names(urlconf) if classify(name, table) is None]
    assert not unclassified, (
        f"Routes of {urlconf} missing from tests/isolation/routes.py (say who may reach them): {unclassified}"
    )


@dataclass
class Context:
    school: School
    marker: str
    department: Department
    # School A's own people and keys, named with the marker so that a page showing them leaks it.
    person: User | None = None
    membership: Membership | None = None
    school_api_key: ApiKey | None = None
    district_api_key: ApiKey | None = None
    import_token: str = "no-such-import"
    # Safety (issue 5): school A's district template, and school A's inspection and hazard.
    template: Any = None
    template_item: Any = None
    inspection: Any = None
    inspection_photo: Any = None
    hazard: Any = None
    hazard_photo: Any = None
    local_template: Any = None
    local_item: Any = None
    responsibility: Any = None
    # Buildings, the visitor log, drills and plans of school A.
    building: Any = None
    building_assessment: Any = None
    visitor: Any = None
    drill_photo: Any = None
    plan: Any = None
    agreement: Any = None
    # Assets (issue 4): ids of school A's card, stocktake, list... (tests/assets/isolation.py).
    assets: dict = field(default_factory=dict)
    # Duty (issue 5): ids of school A's shift, log, photo and handover (tests/duty/isolation.py).
    duty: dict = field(default_factory=dict)
    # School vehicles (issue 5): ids of school A's vehicle, driver and trip (tests/vehicles/isolation.py).
    vehicles: dict = field(default_factory=dict)

    @property
    def membership_kwargs(self) -> dict:
        return {"user_id": self.person.pk, "membership_id": self.membership.pk}


@dataclass
class Outsider:
    label: str
    client: Client
    is_api_key: bool = False


def make_safety_records(school, marker: str) -> dict:
    """A template of A's district and an inspection, photo, hazard and escalation of A's, named by the marker."""
    from eduplatform.checklists.actions import add_item, create_template, escalate, publish_version
    from eduplatform.safety.models import (
        Hazard,
        HazardPhoto,
        Inspection,
        InspectionItem,
        InspectionPhoto,
        InspectionResponsibility,
        LocalItem,
        LocalTemplate,
    )

    template = create_template(
        district=school.district, actor=None, name=marker, category="daily_patrol", frequency="school_day"
    )
    version = template.versions.get()
    item = add_item(version=version, text=marker, kind="pass_fail", actor=None)
    publish_version(version=version, actor=None)
    template.refresh_from_db()
    with schema_context(school.schema_name):
        inspection = Inspection.objects.create(
            template_id=template.pk, template_version_id=version.pk, title=marker, category="daily_patrol",
            frequency="school_day", location=marker, inspector_id=make_user(Role.SAFETY_OFFICER, school=school).pk,
        )  # fmt: skip
        inspection_item = InspectionItem.objects.create(inspection=inspection, position=1, text=marker)
        inspection_photo = InspectionPhoto.objects.create(item=inspection_item, image="isolation/none.jpg")
        hazard = Hazard.objects.create(
            number=marker[:30], source="report", category="other", severity="minor", location=marker,
            description=marker, reported_on=timezone.localdate(), deadline=timezone.localdate(),
        )  # fmt: skip
        hazard_photo = HazardPhoto.objects.create(hazard=hazard, kind="found", image="isolation/none.jpg")
        local_template = LocalTemplate.objects.create(name=marker, description=marker)
        local_item = LocalItem.objects.create(local_template=local_template, text=marker)
        responsibility = InspectionResponsibility.objects.create(
            local_template=local_template, person_id=inspection.inspector_id
        )
        campus = make_campus_records(marker)
    escalate(school=school, hazard=hazard, reason="critical")
    return {
        "template": template, "template_item": item, "inspection": inspection,
        "inspection_photo": inspection_photo, "hazard": hazard, "hazard_photo": hazard_photo,
        "local_template": local_template, "local_item": local_item, "responsibility": responsibility, **campus,
    }  # fmt: skip


def make_campus_records(marker: str) -> dict:
    """A building with an assessment, a visitor, a drill photo and a plan, in the current schema."""
    from eduplatform.safety.models import (
        Agreement,
        Building,
        BuildingAssessment,
        Drill,
        DrillPhoto,
        EmergencyPlan,
        Visitor,
    )

    today = timezone.localdate()
    building = Building.objects.create(name=marker, built_year=2000, structure="frame", floors=3, area=100)
    assessment = BuildingAssessment.objects.create(
        building=building, grade="A", assessed_on=today, assessor=marker, report="isolation/none.pdf"
    )
    visitor = Visitor.objects.create(
        name=marker, id_number="11010519491231002X", id_number_last4="002X", phone="13800138000",
        purpose=marker, host=marker, entered_at=timezone.now(),
    )  # fmt: skip
    drill = Drill.objects.create(kind="fire", title=marker, held_on=today, students=1, staff=1)
    drill_photo = DrillPhoto.objects.create(drill=drill, image="isolation/none.jpg")
    plan = EmergencyPlan.objects.create(
        kind="fire",
        title=marker,
        version="1",
        approver=marker,
        reviewed_on=today,
        document="isolation/none.pdf",
    )
    agreement = Agreement.objects.create(
        year=today.year, party="contractor", party_name=marker, method="scan", scan="isolation/none.pdf",
        signed_at=timezone.now(),
    )  # fmt: skip
    return {"building": building, "building_assessment": assessment, "visitor": visitor,
            "drill_photo": drill_photo, "plan": plan, "agreement": agreement}  # fmt: skip


@pytest.fixture
def context(school_a) -> Context:
    marker = f"ISOLATION-{uuid.uuid4().hex[:10]}"
    with schema_context(school_a.schema_name):
        department = Department.objects.create(name=marker)
    person = make_user(Role.STAFF, school=school_a, name=marker)
    in_a_year = timezone.now() + timedelta(days=365)
    school_key, _secret = create_api_key(name=marker, actor=None, school=school_a, expires_at=in_a_year)
    district_key, _secret = create_api_key(
        name=marker, actor=None, district=school_a.district, expires_at=in_a_year
    )
    safety_records = make_safety_records(school_a, marker)
    return Context(
        **safety_records,
        assets=make_assets_records(school_a, marker),
        duty=make_duty_records(school_a, marker),
        vehicles=make_vehicle_records(school_a, marker),
        school=school_a,
        marker=marker,
        department=department,
        person=person,
        membership=person.memberships.get(),
        school_api_key=school_key,
        district_api_key=district_key,
        import_token=uuid.uuid4().hex,
    )


@pytest.fixture
def outsiders(world) -> list[Outsider]:
    other_school_principal = make_user(Role.PRINCIPAL, school=world.school_b)
    other_district_admin = make_user(Role.BUREAU_ADMIN, district=world.other_district)
    _key, secret = create_api_key(
        name="B校资产同步", actor=None, school=world.school_b, is_read_write=True,
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    _district_key, district_secret = create_api_key(
        name="邻区同步", actor=None, district=world.other_district, is_read_write=True,
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    principal_client, admin_client = Client(), Client()
    principal_client.force_login(other_school_principal)
    admin_client.force_login(other_district_admin)
    return [
        Outsider("anonymous", Client()),
        Outsider("principal of another school", principal_client),
        Outsider("bureau admin of another district", admin_client),
        Outsider(
            "API key of another school", Client(HTTP_AUTHORIZATION=f"Api-Key {secret}"), is_api_key=True
        ),
        Outsider(
            "API key of another district",
            Client(HTTP_AUTHORIZATION=f"Api-Key {district_secret}"),
            is_api_key=True,
        ),
    ]


def _is_login_redirect(response, login_path: str) -> bool:
    return response.status_code == 302 and response["Location"].split("?")[0] == login_path


def _url(name: str, route: Route, context: Context, in_school: bool) -> str | None:
    if name.endswith("*") or "<unnamed" in name:
        return None
    kwargs = route.kwargs(context)
    if in_school:
        return school_reverse(context.school, name, **kwargs)
    return reverse(name, kwargs=kwargs or None)


def _check(
    response, *, outsider: Outsider, route: Route, context: Context, in_school: bool, where: str
) -> list[str]:
    problems = []
    body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
    if response.status_code == 405:
        # The route does not take this method, whoever asks: it tells nothing about the school.
        allowed = True
    elif route.kind == SCHOOL:
        login = school_reverse(context.school, "accounts:login")
        allowed = response.status_code in (401, 403, 404) or _is_login_redirect(response, login)
    elif route.kind == DISTRICT:
        allowed = response.status_code in (401, 403, 404) or _is_login_redirect(
            response, reverse("accounts:login")
        )
        if route.is_scoped_list and response.status_code in (200, 302):
            allowed = True
    else:  # OPERATOR
        allowed = response.status_code in (401, 403, 404) or (
            response.status_code == 302 and "/admin/login/" in response["Location"]
        )
    if not allowed:
        problems.append(f"{where}: {outsider.label} got {response.status_code}")
    for secret in (context.marker, context.school.name):
        if secret in body:
            problems.append(f"{where}: {outsider.label} saw {secret!r}")
    return problems


@pytest.mark.parametrize(("urlconf", "table", "in_school"), [
    (settings.ROOT_URLCONF, PUBLIC_ROUTES, False),
    (settings.SCHOOL_URLCONF, SCHOOL_ROUTES, True),
])  # fmt: skip
def test_no_outsider_reaches_the_school_under_test(urlconf, table, in_school, context, outsiders):
    problems: list[str] = []
    tried = 0
    for name in route_names(urlconf):
        route = classify(name, table)
        if route is None or route.kind == PUBLIC:
            continue
        if route.kind == OPERATOR:
            urls = ["/admin/", "/admin/accounts/user/", "/admin/tenants/school/"]
        else:
            url = _url(name, route, context, in_school)
            urls = [url] if url else []
        for url in urls:
            for method in METHODS:
                for outsider in outsiders:
                    response = (
                        getattr(outsider.client, method)(url, content_type="application/json")
                        if method != "get"
                        else outsider.client.get(url)
                    )
                    tried += 1
                    problems += _check(
                        response, outsider=outsider, route=route, context=context, in_school=in_school,
                        where=f"{method.upper()} {url} ({name})",
                    )  # fmt: skip
    assert tried > 0
    assert not problems, "\n".join(problems)


def test_the_matrix_would_notice_a_leak(context, outsiders):
    """The check itself fails on a page that shows the school under test's data."""
    from django.http import HttpResponse

    leaking = HttpResponse(f"<p>{context.marker}</p>", status=200)
    problems = _check(
        leaking, outsider=outsiders[1], route=Route(SCHOOL), context=context, in_school=True, where="x"
    )
    assert len(problems) == 2
