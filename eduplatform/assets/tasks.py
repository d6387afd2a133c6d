"""Background work of the assets domain. Every task runs in the schema of the school that
sent it (eduplatform.taskqueue.enqueue_on_commit, or the per-school fan-out below), takes
ids, and is safe to run twice."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.celery import app

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 3600


def import_progress_key(job_id: int) -> str:
    # The cache's key function adds the school's schema, so one school never reads another's.
    return f"assets:import:{job_id}:progress"


@app.task(acks_late=True)
def validate_import(job_id: int) -> str:
    """Read the whole sheet and record every bad cell, or the preview of a valid one."""
    from eduplatform.assets.importing import read_ledger, stage_rows
    from eduplatform.assets.models import ImportJob, ImportStatus
    from eduplatform.audit.trail import current_school
    from eduplatform.spreadsheets import SheetRefused, open_sheet

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.VALIDATING:
        return "skipped"
    from eduplatform.assets.actions import IMPORT_LIMITS

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=rows, updated_at=timezone.now())

    try:
        with job.file.open("rb") as stored:
            content = stored.read()
        with open_sheet(content, filename=job.filename, limits=IMPORT_LIMITS) as sheet:
            reading = read_ledger(sheet, school=current_school(), progress=progress)
    except SheetRefused as refused:
        job.errors = [{"row": 0, "column": "", "letter": "", "reason": refused.message}]
        job.status = ImportStatus.INVALID
    else:
        job.errors = [error.as_dict() for error in reading.errors]
        job.row_count = len(reading.rows) + len({error.row for error in reading.errors})
        job.summary = reading.summary()
        job.status = ImportStatus.INVALID if reading.errors else ImportStatus.VALID
        if not reading.errors:
            job.staged_rows.save(
                f"{job.file.name.rsplit('/', 1)[-1]}.rows.json",
                ContentFile(stage_rows(reading.rows)),
                save=False,
            )
    job.finished_at = timezone.now()
    job.save(
        update_fields=["errors", "row_count", "summary", "status", "staged_rows", "finished_at", "updated_at"]
    )
    return job.status


@app.task(acks_late=True)
def run_import(job_id: int, actor_id: int | None) -> str:
    """Import a confirmed sheet: re-check the rows checked at upload against the books as
    they are now (they may have changed since the preview), and write them all in one
    transaction, or nothing."""
    from eduplatform.accounts.models import User
    from eduplatform.assets.actions import import_ledger
    from eduplatform.assets.importing import recheck, staged_rows
    from eduplatform.assets.models import ImportJob, ImportStatus
    from eduplatform.audit.trail import current_school
    from eduplatform.spreadsheets import SheetRefused

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.IMPORTING:
        return "skipped"
    actor = User.objects.filter(pk=actor_id).first() if actor_id else "system"
    school = current_school()
    try:
        with job.staged_rows.open("rb") as stored:
            rows = staged_rows(stored.read())
        errors = recheck(rows, school=school)
        if errors:
            job.errors = [error.as_dict() for error in errors]
            job.status = ImportStatus.INVALID
            job.save(update_fields=["errors", "status", "updated_at"])
            return job.status
        import_ledger(
            job,
            rows=rows,
            actor=actor,
            progress=lambda rows: cache.set(import_progress_key(job_id), rows, PROGRESS_SECONDS),
        )
    except (SheetRefused, ValidationError) as refused:
        message = refused.message if isinstance(refused, SheetRefused) else "; ".join(refused.messages)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, failure=message[:2000], finished_at=timezone.now()
        )
        return ImportStatus.FAILED
    except Exception:
        logger.exception("import %s of school %s failed", job_id, connection.schema_name)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            failure=_("导入时发生系统错误，未导入任何资产，请稍后重试。"),
            finished_at=timezone.now(),
        )
        raise
    return ImportStatus.DONE


@app.task(acks_late=True)
def notify_low_stock(consumable_id: int) -> int:
    """Tell the asset keepers once a day that a consumable is at or below its threshold."""
    from eduplatform.assets.actions import asset_keepers
    from eduplatform.assets.models import Consumable
    from eduplatform.audit.trail import current_school
    from eduplatform.notifications.actions import notify
    from tenants.routing import school_reverse

    consumable = Consumable.objects.filter(pk=consumable_id).first()
    school = current_school()
    if consumable is None or school is None or not consumable.is_low:
        return 0
    return notify(
        users=asset_keepers(school),
        kind="assets.low_stock",
        title=_("耗材库存不足：%(name)s 剩 %(on_hand)s %(unit)s")
        % {"name": consumable, "on_hand": consumable.on_hand, "unit": consumable.unit},
        url=school_reverse(school, "frontend:assets:consumable", consumable.pk),
        severity="warning",
        school=school,
        dedupe_key=f"assets-low-stock:{school.code}:{consumable.pk}:{timezone.localdate().isoformat()}",
    )


@app.task(acks_late=True)
def remind_overdue_borrowings() -> int:
    """Daily, in one school: remind each borrower of an overdue item, and the keepers of all
    of them; refresh the overdue fact (it changes with the date alone)."""
    from django.db import transaction

    from eduplatform.assets import facts
    from eduplatform.assets.actions import asset_keepers
    from eduplatform.assets.models import Asset, AssetStatus
    from eduplatform.audit.trail import current_school
    from eduplatform.notifications.actions import notify
    from tenants.routing import school_reverse

    school = current_school()
    if school is None:
        return 0
    today = timezone.localdate()
    overdue = list(
        Asset.objects.filter(status=AssetStatus.BORROWED, borrow_due_date__lt=today)
        .select_related("borrower")
        .order_by("borrow_due_date", "number")
    )
    told = 0
    keepers = asset_keepers(school)
    for asset in overdue:
        days = (today - asset.borrow_due_date).days
        title = _("借用逾期 %(days)s 天：%(number)s %(name)s（借用人 %(borrower)s）") % {
            "days": days,
            "number": asset.number,
            "name": asset.name,
            "borrower": asset.borrower_name,
        }
        recipients = [*keepers, *([asset.borrower] if asset.borrower_id else [])]
        told += notify(
            users=recipients,
            kind="assets.borrowing_overdue",
            title=title,
            url=school_reverse(school, "frontend:assets:asset", asset.pk),
            severity="danger" if days > 7 else "warning",
            school=school,
            dedupe_key=f"assets-overdue:{school.code}:{asset.pk}:{asset.borrow_due_date}:{today.isoformat()}",
        )
    with transaction.atomic():
        facts.refresh(school, facts.OVERDUE_BORROWINGS)
    return told


@app.task(acks_late=True)
def remind_overdue_borrowings_all_schools() -> int:
    """Beat: one reminder task per active school, each in that school's schema."""
    from tenants.models import School

    count = 0
    for schema_name in School.objects.active().values_list("schema_name", flat=True):
        remind_overdue_borrowings.apply_async(headers={"_schema_name": schema_name})
        count += 1
    return count
