"""Duty (值班): the roster of shifts, each shift's duty log, and handovers between shifts.

A shift has a kind (administrative week duty 行政值周, day or night duty, holiday guarding
护校), a start and an end, and the school members on it: one leader (带班领导) and any
number of members. Its log is written during or after the shift and submitted once; a
handover passes open matters and keys from a person on one shift to a person on the next.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplatform.safety.models.fields import person


class ShiftKind(models.TextChoices):
    WEEK = "week", _("行政值周")
    DAY = "day", _("日间值班")
    NIGHT = "night", _("夜间值班")
    HOLIDAY = "holiday", _("节假日护校")


class ShiftStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已排班")
    CANCELLED = "cancelled", _("已取消")


class ShiftQuerySet(models.QuerySet["Shift"]):
    def scheduled(self) -> ShiftQuerySet:
        return self.filter(status=ShiftStatus.SCHEDULED)

    def overlapping(self, start, end) -> ShiftQuerySet:
        """Shifts that share some time with [start, end)."""
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def on_duty_at(self, moment) -> ShiftQuerySet:
        return self.scheduled().filter(starts_at__lte=moment, ends_at__gt=moment)

    def of_person(self, user_id) -> ShiftQuerySet:
        return self.filter(members__person_id=user_id)

    def without_submitted_log(self) -> ShiftQuerySet:
        return self.exclude(log__submitted_at__isnull=False)


class Shift(models.Model):
    """One duty shift of the roster (值班表)."""

    kind = models.CharField(_("值班类型"), max_length=10, choices=ShiftKind.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    phone = models.CharField(_("值班电话"), max_length=20, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ShiftStatus.choices, default=ShiftStatus.SCHEDULED
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancelled_by = person(null=True, blank=True, verbose_name=_("取消人"))
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = person(null=True, blank=True, verbose_name=_("排班人"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("值班班次")
        verbose_name_plural = _("值班班次")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["starts_at", "ends_at"]),
            models.Index(fields=["updated_at", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="duty_shift_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == ShiftStatus.CANCELLED

    def is_on_duty_at(self, moment) -> bool:
        return not self.is_cancelled and self.starts_at <= moment < self.ends_at

    def people(self) -> list:
        """The people on the shift, leader first (uses prefetched members when there are any)."""
        members = sorted(self.members.all(), key=lambda member: (not member.is_leader, member.pk))
        return [member.person for member in members]

    def leader(self):
        return next((member.person for member in self.members.all() if member.is_leader), None)

    def has_person(self, user_id) -> bool:
        return any(member.person_id == user_id for member in self.members.all())


class ShiftMember(models.Model):
    """A person on a shift: its leader (带班领导) or a member."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="members")
    person = person(verbose_name=_("值班人员"))
    is_leader = models.BooleanField(_("带班领导"), default=False)

    class Meta:
        verbose_name = _("值班人员")
        verbose_name_plural = _("值班人员")
        ordering = ["-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "person"], name="duty_member_once_per_shift"),
            models.UniqueConstraint(
                fields=["shift"], condition=Q(is_leader=True), name="duty_one_leader_per_shift"
            ),
        ]
        indexes = [models.Index(fields=["person", "shift"])]

    def __str__(self) -> str:
        return f"{self.shift_id} {self.person_id}"


class DutyLog(models.Model):
    """A shift's duty log (值班日志): a draft until submitted, read-only afterwards."""

    shift = models.OneToOneField(Shift, on_delete=models.PROTECT, related_name="log")
    summary = models.TextField(_("值班情况"), blank=True)
    report_up = models.TextField(_("需上报事项"), blank=True)
    written_by = person(null=True, blank=True, verbose_name=_("填写人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = person(null=True, blank=True, verbose_name=_("提交人"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("值班日志")
        verbose_name_plural = _("值班日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["updated_at", "id"])]

    def __str__(self) -> str:
        return f"{self.shift}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class PatrolRound(models.Model):
    """One patrol round of a shift (巡查): when, where, and what was found."""

    log = models.ForeignKey(DutyLog, on_delete=models.CASCADE, related_name="rounds")
    patrolled_at = models.DateTimeField(_("巡查时间"))
    area = models.CharField(_("巡查部位"), max_length=100)
    is_normal = models.BooleanField(_("情况正常"), default=True)
    findings = models.TextField(_("巡查情况"), blank=True)
    recorded_by = person(null=True, blank=True, verbose_name=_("记录人"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("巡查记录")
        verbose_name_plural = _("巡查记录")
        ordering = ["patrolled_at", "id"]

    def __str__(self) -> str:
        return f"{self.area} {timezone.localtime(self.patrolled_at):%H:%M}"


class DutyEvent(models.Model):
    """Something that happened on the shift and how it was handled; it may have opened a hazard."""

    log = models.ForeignKey(DutyLog, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(_("发生时间"))
    description = models.TextField(_("事件经过"))
    handling = models.TextField(_("处理情况"), blank=True)
    hazard = models.ForeignKey(
        "safety.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = person(null=True, blank=True, verbose_name=_("记录人"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("值班事件")
        verbose_name_plural = _("值班事件")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return self.description[:40]


class DutyPhoto(models.Model):
    """A photo of a duty log, taken on a round or of an event (checked by eduplatform.safety.photos)."""

    log = models.ForeignKey(DutyLog, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        DutyEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    patrol_round = models.ForeignKey(
        PatrolRound, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("照片"), upload_to="duty/%Y/%m/")
    uploaded_by = person(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("值班照片")
        verbose_name_plural = _("值班照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


class Handover(models.Model):
    """A handover (交接班) from a person on one shift to a person on the next, who confirms it."""

    from_shift = models.OneToOneField(Shift, on_delete=models.PROTECT, related_name="handover")
    to_shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="handovers_received")
    open_matters = models.TextField(_("未尽事项"), blank=True)
    keys_equipment = models.TextField(_("钥匙与器材"), blank=True)
    notes = models.TextField(_("其他说明"), blank=True)
    handed_over_by = person(verbose_name=_("交班人"))
    handed_over_at = models.DateTimeField(_("交班时间"))
    received_by = person(null=True, blank=True, verbose_name=_("接班人"))
    received_at = models.DateTimeField(_("接班确认时间"), null=True, blank=True)
    receipt_notes = models.TextField(_("接班说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("交接班记录")
        verbose_name_plural = _("交接班记录")
        ordering = ["-handed_over_at", "-id"]
        indexes = [models.Index(fields=["updated_at", "id"])]

    def __str__(self) -> str:
        return f"{self.from_shift_id} -> {self.to_shift_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.received_at is not None
