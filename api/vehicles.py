"""The school's vehicles API: vehicles, drivers, pre-departure checks and trips.

As everywhere in api/, viewsets parse and render; eduplatform.vehicles decides. A
pre-departure check is a safety inspection: POST vehicles/vehicles/{id}/checks/ starts one
(or returns today's draft), then it is answered and submitted through safety/inspections/.
A trip is planned (POST vehicles/trips/), started with the boarding headcount, and closed
with the leaving headcount; a mismatch answers 400 `headcount_mismatch` on
`leaving_count`, the trip stays under way and the safety officers are told.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.base import UPDATED_SINCE, SchoolViewSet
from eduplatform.accounts.roles import Capability
from eduplatform.checklists.refusals import refusal
from eduplatform.dates import day_from
from eduplatform.safety.people import school_staff
from eduplatform.vehicles import access
from eduplatform.vehicles import actions as vehicles
from eduplatform.vehicles.models import Driver, HeadcountMismatch, Trip, TripStatus, Vehicle, VehicleCheck
from eduplatform.vehicles.rules import inspection_due_on

C = Capability


def _school_member(request, user_id, field: str):
    if user_id is None:
        return None
    person = school_staff(request._request.school).filter(pk=user_id).first()
    if person is None:
        raise refusal(field, _("请选择本校的教职工。"), "invalid_person")
    return person


def _chosen(lookup, field: str, message: str):
    """An object named in the body: one the caller may not see is a refusal on its field."""
    try:
        return lookup()
    except Http404:
        raise refusal(field, message, f"invalid_{field}") from None


# --- Vehicles ----------------------------------------------------------------------------


class VehicleCheckSerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="inspection.status", read_only=True)
    performed_on = serializers.DateField(source="inspection.performed_on", read_only=True)
    submitted_at = serializers.DateTimeField(source="inspection.submitted_at", read_only=True)

    class Meta:
        model = VehicleCheck
        fields = ["id", "vehicle", "inspection", "status", "performed_on", "submitted_at", "created_at"]
        read_only_fields = fields


class VehicleSerializer(serializers.ModelSerializer):
    inspection_due_on = serializers.SerializerMethodField()

    class Meta:
        model = Vehicle
        fields = [
            "id", "plate", "kind", "seats", "make_model", "operator", "last_inspected_on", "inspection_due_on",
            "insurance_expires_on", "status", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_inspection_due_on(self, vehicle) -> date:
        return inspection_due_on(vehicle)


class VehicleDetailSerializer(VehicleSerializer):
    checks = serializers.SerializerMethodField()

    class Meta(VehicleSerializer.Meta):
        fields = [*VehicleSerializer.Meta.fields, "checks"]
        read_only_fields = fields

    def get_checks(self, vehicle) -> list[dict]:
        return VehicleCheckSerializer(access.checks_of(vehicle)[:20], many=True).data


class VehicleFieldsSerializer(serializers.Serializer):
    kind = serializers.CharField()
    seats = serializers.IntegerField()
    make_model = serializers.CharField(allow_blank=True)
    operator = serializers.CharField(required=False, allow_blank=True, default="")
    last_inspected_on = serializers.DateField()
    insurance_expires_on = serializers.DateField()


class RegisterVehicleSerializer(VehicleFieldsSerializer):
    plate = serializers.CharField(allow_blank=True)


class UpdateVehicleSerializer(VehicleFieldsSerializer):
    status = serializers.CharField()


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class VehicleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """School vehicles (校车 / 接送车) with their papers: inspection due every 6 months, insurance."""

    queryset = Vehicle.objects.none()  # for the schema only; rows come from get_queryset
    serializer_class = VehicleSerializer
    read_capability = C.SAFETY_VIEW
    write_capability = C.SAFETY_RECORD

    def get_queryset(self):
        return access.vehicles_for_user(self.request.user, self.request.capabilities)

    def get_object(self):
        return access.vehicle_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    def get_serializer_class(self):
        return VehicleSerializer if self.action == "list" else VehicleDetailSerializer

    def _detail(self, vehicle, status_code=status.HTTP_200_OK):
        return Response(VehicleDetailSerializer(vehicle).data, status=status_code)

    @extend_schema(request=RegisterVehicleSerializer, responses=VehicleDetailSerializer)
    def create(self, request, *args, **kwargs):
        data = RegisterVehicleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vehicle = vehicles.register_vehicle(**data.validated_data, actor=request.user)
        return self._detail(vehicle, status.HTTP_201_CREATED)

    @extend_schema(request=UpdateVehicleSerializer, responses=VehicleDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        vehicle = self.get_object()
        current = {**VehicleSerializer(vehicle).data}
        data = UpdateVehicleSerializer(data={**{key: current[key] for key in UpdateVehicleSerializer().fields},
                                             **request.data})  # fmt: skip
        data.is_valid(raise_exception=True)
        return self._detail(
            vehicles.update_vehicle(vehicle=vehicle, **data.validated_data, actor=request.user)
        )

    @extend_schema(request=None, responses=VehicleCheckSerializer)
    @action(detail=True, methods=["post"])
    def checks(self, request, pk=None):
        """Start today's pre-departure check (or continue today's draft); answer it through
        /safety/inspections/{inspection}/."""
        check = vehicles.start_vehicle_check(vehicle=self.get_object(), actor=request.user)
        check = VehicleCheck.objects.select_related("inspection").get(pk=check.pk)
        return Response(VehicleCheckSerializer(check).data, status=status.HTTP_201_CREATED)


# --- Drivers -----------------------------------------------------------------------------


class DriverSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField(
        help_text="Masked but for the last 4 characters unless the caller may see identities."
    )
    licence_number = serializers.SerializerMethodField(
        help_text="Masked but for the last 4 characters unless the caller may see identities."
    )

    class Meta:
        model = Driver
        fields = [
            "id", "name", "phone", "id_number", "date_of_birth", "licence_number", "licence_class",
            "licence_expires_on", "user", "is_active", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_id_number(self, driver) -> str:
        return access.shown_id_number(driver, self.context["capabilities"])

    def get_licence_number(self, driver) -> str:
        return access.shown_licence_number(driver, self.context["capabilities"])


class RegisterDriverSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    id_number = serializers.CharField(allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    licence_number = serializers.CharField(allow_blank=True)
    licence_class = serializers.CharField()
    licence_expires_on = serializers.DateField()
    user = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="a staff member's id"
    )


class UpdateDriverSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    licence_number = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="empty: keep the one on file"
    )
    licence_class = serializers.CharField()
    licence_expires_on = serializers.DateField()
    is_active = serializers.BooleanField()
    user = serializers.IntegerField(required=False, allow_null=True, default=None)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class DriverViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Drivers (驾驶人). ID and licence numbers are masked but for the holder of the identity
    capability (the safety officer)."""

    queryset = Driver.objects.none()  # for the schema only
    serializer_class = DriverSerializer
    read_capability = C.SAFETY_VIEW
    write_capability = C.SAFETY_RECORD

    def get_queryset(self):
        return access.drivers_for_user(self.request.user, self.request.capabilities)

    def get_object(self):
        return access.driver_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "capabilities": self.request.capabilities}

    def _detail(self, driver, status_code=status.HTTP_200_OK):
        driver = self.get_queryset().get(pk=driver.pk)
        return Response(
            DriverSerializer(driver, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(request=RegisterDriverSerializer, responses=DriverSerializer)
    def create(self, request, *args, **kwargs):
        data = RegisterDriverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["user"] = _school_member(request, values.pop("user"), "user")
        return self._detail(vehicles.register_driver(**values, actor=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=UpdateDriverSerializer, responses=DriverSerializer)
    def partial_update(self, request, *args, **kwargs):
        driver = self.get_object()
        current = {"name": driver.name, "phone": driver.phone, "licence_class": driver.licence_class,
                   "licence_expires_on": driver.licence_expires_on, "is_active": driver.is_active,
                   "user": driver.user_id}  # fmt: skip
        data = UpdateDriverSerializer(data={**current, **request.data})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["user"] = _school_member(request, values.pop("user"), "user")
        return self._detail(vehicles.update_driver(driver=driver, **values, actor=request.user))


# --- Trips -------------------------------------------------------------------------------


class MismatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = HeadcountMismatch
        fields = ["id", "boarding_count", "leaving_count", "reported_by", "reported_at", "resolved_at"]
        read_only_fields = fields


class TripSerializer(serializers.ModelSerializer):
    plate = serializers.CharField(source="vehicle.plate", read_only=True)
    driver_name = serializers.CharField(source="driver.name", read_only=True)
    mismatches = MismatchSerializer(many=True, read_only=True)

    class Meta:
        model = Trip
        fields = [
            "id", "vehicle", "plate", "driver", "driver_name", "escort", "route", "planned_departure_at",
            "status", "vehicle_check", "departed_at", "boarding_count", "leaving_count", "closed_at",
            "boarding_correction", "mismatches", "planned_by", "started_by", "closed_by", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class PlanTripSerializer(serializers.Serializer):
    vehicle = serializers.IntegerField()
    driver = serializers.IntegerField()
    escort = serializers.IntegerField(help_text="a school member's user id")
    route = serializers.CharField(allow_blank=True)
    planned_departure_at = serializers.DateTimeField()


class BoardingSerializer(serializers.Serializer):
    boarding_count = serializers.IntegerField()


class LeavingSerializer(serializers.Serializer):
    leaving_count = serializers.IntegerField()


class CorrectBoardingSerializer(serializers.Serializer):
    boarding_count = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)


TRIP_FILTERS = [
    UPDATED_SINCE,
    OpenApiParameter("status", str, description="planned, under_way, closed or cancelled"),
    OpenApiParameter("date", date, description="only trips planned on this day (YYYY-MM-DD)"),
]


@extend_schema_view(list=extend_schema(parameters=TRIP_FILTERS))
class TripViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Trips (出车记录). Everyone watching safety sees every trip; a member named escort sees
    the trips they escort and records their headcounts (start, close)."""

    queryset = Trip.objects.none()  # for the schema only
    serializer_class = TripSerializer
    read_capability = C.SCHOOL_VIEW
    write_capability = C.SAFETY_RECORD
    action_capabilities = {
        "start": C.SCHOOL_VIEW,
        "close": C.SCHOOL_VIEW,
        "correct_boarding": C.SAFETY_RECORD,
        "cancel": C.SAFETY_RECORD,
    }

    def get_queryset(self):
        trips = access.trips_for_user(self.request.user, self.request.capabilities).prefetch_related(
            "mismatches"
        )
        params = self.request.query_params
        if params.get("status"):
            if params["status"] not in TripStatus.values:
                raise refusal(
                    "status", _("状态应为 planned、under_way、closed 或 cancelled。"), "invalid_status"
                )
            trips = trips.filter(status=params["status"])
        if params.get("date"):
            day = day_from(params["date"])
            if day is None:
                raise refusal("date", _("日期格式应为 YYYY-MM-DD。"), "invalid_date")
            trips = trips.on_day(day)
        return trips

    def get_object(self):
        return access.trip_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    def _headcount_trip(self):
        trip = self.get_object()
        if not access.may_record_headcounts(self.request.user, self.request.capabilities, trip):
            raise PermissionDenied(_("只有该行程的照管员或安全管理人员可以登记人数。"))
        return trip

    def _detail(self, trip, status_code=status.HTTP_200_OK):
        trip = (
            access.trips_for_user(self.request.user, self.request.capabilities)
            .prefetch_related("mismatches")
            .get(pk=trip.pk)
        )
        return Response(TripSerializer(trip).data, status=status_code)

    @extend_schema(request=PlanTripSerializer, responses=TripSerializer)
    def create(self, request, *args, **kwargs):
        data = PlanTripSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        caps = request.capabilities
        trip = vehicles.plan_trip(
            vehicle=_chosen(
                lambda: access.vehicle_for_user(request.user, caps, values["vehicle"]),
                "vehicle",
                _("请选择本校的车辆。"),
            ),
            driver=_chosen(
                lambda: access.driver_for_user(request.user, caps, values["driver"]),
                "driver",
                _("请选择本校的驾驶人。"),
            ),
            # Not a member of this school: the action refuses it (escort_not_member).
            escort=school_staff(request._request.school).filter(pk=values["escort"]).first(),
            route=values["route"],
            planned_departure_at=values["planned_departure_at"],
            actor=request.user,
        )
        return self._detail(trip, status.HTTP_201_CREATED)

    @extend_schema(request=BoardingSerializer, responses=TripSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        trip = self._headcount_trip()
        data = BoardingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(vehicles.start_trip(trip=trip, **data.validated_data, actor=request.user))

    @extend_schema(request=LeavingSerializer, responses=TripSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        trip = self._headcount_trip()
        data = LeavingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(vehicles.close_trip(trip=trip, **data.validated_data, actor=request.user))

    @extend_schema(request=CorrectBoardingSerializer, responses=TripSerializer)
    @action(detail=True, methods=["post"], url_path="correct-boarding")
    def correct_boarding(self, request, pk=None):
        trip = self.get_object()
        data = CorrectBoardingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(
            vehicles.correct_boarding_count(trip=trip, **data.validated_data, actor=request.user)
        )

    @extend_schema(request=None, responses=TripSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._detail(vehicles.cancel_trip(trip=self.get_object(), actor=request.user))
