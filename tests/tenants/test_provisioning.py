from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from eduplatform.audit.models import AuditEvent
from eduplatform.organisation.models import Department
from tenants.actions import ProvisioningError, SchoolDetails, archive_school, provision_school
from tenants.models import Domain, School, SchoolKind, SchoolStatus
from tenants.schemas import missing_school_migrations, template_schema_name


def schema_signature(schema: str) -> dict[str, list[tuple]]:
    """Tables, columns, indexes, constraints and sequences of a schema, without its name."""

    def rows(sql: str) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [schema])
            return sorted(
                tuple(str(value).replace(schema, "<schema>") for value in row) for row in cursor.fetchall()
            )

    return {
        "tables": rows("SELECT table_name FROM information_schema.tables WHERE table_schema = %s"),
        "columns": rows(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity, "
            "character_maximum_length, numeric_precision FROM information_schema.columns WHERE table_schema = %s"
        ),
        "indexes": rows("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s"),
        "constraints": rows(
            "SELECT rel.relname, con.conname, con.contype, pg_get_constraintdef(con.oid) "
            "FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid "
            "JOIN pg_namespace ns ON ns.oid = rel.relnamespace WHERE ns.nspname = %s"
        ),
        # Identity sequences are not in information_schema.sequences.
        "sequences": rows(
            "SELECT sequencename, data_type, start_value, increment_by, max_value, cycle "
            "FROM pg_sequences WHERE schemaname = %s"
        ),
        "triggers": rows(
            "SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = %s::regnamespace AND NOT t.tgisinternal"
        ),
    }


def sequence_positions(schema: str) -> dict[str, int | None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s", [schema])
        return dict(cursor.fetchall())


def test_a_cloned_school_has_exactly_the_structure_of_a_migrated_one(world):
    cloned = provision_school(
        district_code=world.district.code,
        details=SchoolDetails(code="3101019001", name="克隆小学", kind=SchoolKind.PRIMARY),
        method="clone",
    )
    migrated = provision_school(
        district_code=world.district.code,
        details=SchoolDetails(code="3101019002", name="迁移小学", kind=SchoolKind.PRIMARY),
        method="migrate",
    )
    cloned_signature = schema_signature(cloned.schema_name)
    assert cloned_signature["tables"], "the clone has tables"
    assert cloned_signature["sequences"] and cloned_signature["triggers"]
    assert cloned_signature == schema_signature(migrated.schema_name)
    # The template's rows came along, and new rows carry on numbering after them.
    assert sequence_positions(cloned.schema_name) == sequence_positions(template_schema_name())
    assert any(sequence_positions(cloned.schema_name).values())
    assert missing_school_migrations([cloned.schema_name, migrated.schema_name]) == {}
    for school in (cloned, migrated):
        with schema_context(school.schema_name):
            assert set(Department.objects.values_list("name", flat=True)) >= {"总务处", "教导处"}


def test_provisioning_marks_the_school_ready_with_its_path_and_audit(world, django_user_model):
    school = provision_school(
        district_code=world.district.code,
        details=SchoolDetails(code="3101019003", name="新建小学", kind=SchoolKind.PRIMARY),
    )
    school.refresh_from_db()
    assert school.is_ready
    assert school.schema_name == "school_3101019003"
    assert Domain.objects.get(tenant=school).domain == "3101019003"
    assert AuditEvent.objects.filter(school=school, action="create", object_type="tenants.school").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--code", "12345", "--district", "310101"], "学校标识码“12345”无效"),
        (["--code", "3101010001", "--district", "310101"], "已被使用"),
        (["--code", "3101019010", "--district", "999999"], "教育局“999999”不存在"),
        (
            ["--code", "3101019011", "--district", "310101", "--kind", "university"],
            "学段类型“university”无效",
        ),
    ],
)
def test_create_school_refuses_bad_input_and_creates_nothing(world, arguments, message):
    schools_before = School.objects.count()
    domains_before = Domain.objects.count()
    options = {"--name": "坏学校", "--kind": "primary"}
    for flag, value in zip(arguments[::2], arguments[1::2], strict=True):
        options[flag] = value
    argv = [item for pair in options.items() for item in pair]
    with pytest.raises(CommandError) as raised:
        call_command("create_school", *argv)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    assert School.objects.count() == schools_before
    assert Domain.objects.count() == domains_before
    code = options["--code"]
    if code != "3101010001":
        assert not schema_exists(f"school_{code}")


def test_create_school_command_provisions_a_school(world, capsys):
    call_command(
        "create_school",
        "--district",
        "310101",
        "--code",
        "3101019020",
        "--name",
        "命令小学",
        "--kind",
        "primary",
    )
    assert "/s/3101019020/" in capsys.readouterr().out
    assert School.objects.get(code="3101019020").is_ready
    assert schema_exists("school_3101019020")


def test_a_failed_clone_leaves_no_row_no_domain_and_no_schema(world, monkeypatch):
    from tenants import schemas

    def broken_positions(cursor, plan, target):
        # By now the schema, its tables, rows, keys and indexes exist.
        raise RuntimeError("disk full while cloning")

    monkeypatch.setattr(schemas, "_copy_sequence_positions", broken_positions)
    with pytest.raises(RuntimeError):
        provision_school(
            district_code=world.district.code,
            details=SchoolDetails(code="3101019030", name="失败小学", kind=SchoolKind.PRIMARY),
            method="clone",
        )
    assert not School.objects.filter(code="3101019030").exists()
    assert not Domain.objects.filter(domain="3101019030").exists()
    assert not schema_exists("school_3101019030")


def test_archiving_keeps_the_schema_and_its_records(school_a):
    with schema_context(school_a.schema_name):
        Department.objects.create(name="归档前的处室")
    archive_school(school=school_a, actor=None)
    school_a.refresh_from_db()
    assert school_a.status == SchoolStatus.ARCHIVED
    assert schema_exists(school_a.schema_name)
    with schema_context(school_a.schema_name):
        assert Department.objects.filter(name="归档前的处室").exists()
    with pytest.raises(ProvisioningError):
        archive_school(school=school_a, actor=None)
