"""School vehicles (校车 / 接送车): vehicles, drivers, pre-departure checks and trips.

A trip is planned (vehicle, driver, escort, route, departure time), started with the
boarding headcount once every rule holds on its day, and closed with the leaving
headcount, which must equal the boarding one: a closed trip's counts always match (the
database says so too). A mismatch is kept as a HeadcountMismatch and the trip stays under
way until every child is accounted for.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplatform.safety.encryption import EncryptedTextField
from eduplatform.safety.models.fields import person


class VehicleKind(models.TextChoices):
    SCHOOL_BUS = "school_bus", _("校车")
    PICK_UP = "pick_up", _("接送车")


class VehicleStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("在用")
    OUT_OF_SERVICE = "out_of_service", _("停用")


class LicenceClass(models.TextChoices):
    """Driving licence classes (准驾车型) that can carry passengers."""

    A1 = "A1", _("A1 大型客车")
    A2 = "A2", _("A2 牵引车")
    A3 = "A3", _("A3 城市公交车")
    B1 = "B1", _("B1 中型客车")
    B2 = "B2", _("B2 大型货车")
    C1 = "C1", _("C1 小型汽车")


class VehicleQuerySet(models.QuerySet["Vehicle"]):
    def in_service(self) -> VehicleQuerySet:
        return self.filter(status=VehicleStatus.IN_SERVICE)


class Vehicle(models.Model):
    plate = models.CharField(_("车牌号"), max_length=10, unique=True)
    kind = models.CharField(_("车辆类型"), max_length=20, choices=VehicleKind.choices)
    seats = models.PositiveSmallIntegerField(_("核定载客人数"))
    make_model = models.CharField(_("品牌型号"), max_length=100)
    # Empty: the school runs the vehicle itself.
    operator = models.CharField(_("运营单位"), max_length=100, blank=True)
    last_inspected_on = models.DateField(_("最近安全技术检验日期"))
    insurance_expires_on = models.DateField(_("保险到期日"))
    status = models.CharField(
        _("状态"), max_length=20, choices=VehicleStatus.choices, default=VehicleStatus.IN_SERVICE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VehicleQuerySet.as_manager()

    class Meta:
        verbose_name = _("校车")
        verbose_name_plural = _("校车")
        ordering = ["plate"]
        indexes = [models.Index(fields=["updated_at", "id"])]

    def __str__(self) -> str:
        return self.plate

    @property
    def is_in_service(self) -> bool:
        return self.status == VehicleStatus.IN_SERVICE


class DriverQuerySet(models.QuerySet["Driver"]):
    def active(self) -> DriverQuerySet:
        return self.filter(is_active=True)


class Driver(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20)
    # Encrypted at rest, as the visitor log's; shown in full only to Capability.VISITORS_IDENTITY.
    id_number = EncryptedTextField(_("身份证号"))
    id_number_last4 = models.CharField(_("身份证号后四位"), max_length=4)
    date_of_birth = models.DateField(_("出生日期"))
    # A licence number is usually the holder's ID number: encrypted and masked the same way.
    licence_number = EncryptedTextField(_("驾驶证号"))
    licence_number_last4 = models.CharField(_("驾驶证号后四位"), max_length=4)
    licence_class = models.CharField(_("准驾车型"), max_length=2, choices=LicenceClass.choices)
    licence_expires_on = models.DateField(_("驾驶证有效期至"))
    user = person(null=True, blank=True, verbose_name=_("本校账号"))
    is_active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DriverQuerySet.as_manager()

    class Meta:
        verbose_name = _("驾驶人")
        verbose_name_plural = _("驾驶人")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["updated_at", "id"])]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return "*" * 14 + self.id_number_last4

    @property
    def masked_licence_number(self) -> str:
        return "*" * 8 + self.licence_number_last4


class VehicleCheck(models.Model):
    """A pre-departure check (出车前检查): a safety inspection of one vehicle.

    The inspection itself (items, answers, photos, hazards) lives in the safety app; this
    row says which vehicle it checked. Deleting a draft inspection deletes the link.
    """

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="checks")
    inspection = models.OneToOneField(
        "safety.Inspection", on_delete=models.CASCADE, related_name="vehicle_check"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("出车前检查")
        verbose_name_plural = _("出车前检查")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.inspection_id}"


class TripStatus(models.TextChoices):
    PLANNED = "planned", _("待发车")
    UNDER_WAY = "under_way", _("行驶中")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


OPEN_TRIP_STATUSES = (TripStatus.PLANNED, TripStatus.UNDER_WAY)


class TripQuerySet(models.QuerySet["Trip"]):
    def under_way(self) -> TripQuerySet:
        return self.filter(status=TripStatus.UNDER_WAY)

    def on_day(self, day) -> TripQuerySet:
        return self.filter(planned_departure_at__date=day)


class Trip(models.Model):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="trips")
    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="trips")
    escort = person(verbose_name=_("照管员"))
    route = models.CharField(_("线路/用途"), max_length=200)
    planned_departure_at = models.DateTimeField(_("发车时间"))
    status = models.CharField(
        _("状态"), max_length=20, choices=TripStatus.choices, default=TripStatus.PLANNED
    )
    # The submitted pre-departure check the start relied on.
    vehicle_check = models.ForeignKey(
        VehicleCheck, null=True, blank=True, on_delete=models.PROTECT, related_name="trips"
    )
    departed_at = models.DateTimeField(_("实际发车时间"), null=True, blank=True)
    boarding_count = models.PositiveSmallIntegerField(_("上车人数"), null=True, blank=True)
    leaving_count = models.PositiveSmallIntegerField(_("下车人数"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    boarding_correction = models.CharField(_("上车人数更正说明"), max_length=300, blank=True)
    planned_by = person(null=True, blank=True, verbose_name=_("安排人"))
    started_by = person(null=True, blank=True, verbose_name=_("发车登记人"))
    closed_by = person(null=True, blank=True, verbose_name=_("收车登记人"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TripQuerySet.as_manager()

    class Meta:
        verbose_name = _("出车记录")
        verbose_name_plural = _("出车记录")
        ordering = ["-planned_departure_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="trip_closed_headcounts_match",
                condition=~Q(status="closed")
                | Q(boarding_count__isnull=False, leaving_count=F("boarding_count")),
            )
        ]
        indexes = [
            models.Index(fields=["status", "planned_departure_at"]),
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.planned_departure_at:%Y-%m-%d %H:%M}"

    @property
    def day(self):
        return timezone.localtime(self.planned_departure_at).date()

    @property
    def is_under_way(self) -> bool:
        return self.status == TripStatus.UNDER_WAY


class HeadcountMismatch(models.Model):
    """A refused close: fewer (or more) children got off than got on. The safety officers are
    told at once; the trip stays under way until a count matches."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="mismatches")
    boarding_count = models.PositiveSmallIntegerField(_("上车人数"))
    leaving_count = models.PositiveSmallIntegerField(_("下车人数"))
    reported_by = person(null=True, blank=True, verbose_name=_("登记人"))
    reported_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("人数不符记录")
        verbose_name_plural = _("人数不符记录")
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trip_id}: {self.boarding_count} / {self.leaving_count}"
