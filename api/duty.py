"""The school's duty API (值班): the roster, duty logs and handovers.

Viewsets parse and render; eduplatform.duty decides (actions, access). The roster is read
by every member of the school and managed with the safety-record capability. A shift's log
and handover are written through the shift (`/duty/shifts/{id}/log/`, `rounds/`,
`events/`, `submit-log/`, `hand-over/`) by a person on it; photos come as multipart
`photos`, checked and re-encoded by eduplatform.safety.photos before any action sees them.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import UPDATED_SINCE, SchoolViewSet
from eduplatform.accounts.roles import Capability
from eduplatform.checklists.refusals import refusal
from eduplatform.dates import day_from
from eduplatform.duty import access
from eduplatform.duty import actions as duty
from eduplatform.duty.models import DutyEvent, DutyLog, DutyPhoto, Handover, PatrolRound, Shift
from eduplatform.duty.roster import day_bounds, with_people
from eduplatform.safety.photos import clean_photo

C = Capability


def _photos(request) -> list:
    return [clean_photo(upload, field="photos") for upload in request.FILES.getlist("photos")]


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.name or user.username, "phone": user.phone or ""}


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()


# --- Logs --------------------------------------------------------------------------------


class RoundSerializer(serializers.ModelSerializer):
    photos = serializers.SerializerMethodField()

    class Meta:
        model = PatrolRound
        fields = [
            "id",
            "patrolled_at",
            "area",
            "is_normal",
            "findings",
            "photos",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_photos(self, patrol) -> list[str]:
        return [_photo_url(photo) for photo in patrol.photos.all()]


class EventSerializer(serializers.ModelSerializer):
    photos = serializers.SerializerMethodField()

    class Meta:
        model = DutyEvent
        fields = [
            "id",
            "occurred_at",
            "description",
            "handling",
            "hazard",
            "photos",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_photos(self, event) -> list[str]:
        return [_photo_url(photo) for photo in event.photos.all()]


def _photo_url(photo: DutyPhoto) -> str:
    return reverse("frontend:duty:photo", kwargs={"pk": photo.pk})


class DutyLogSerializer(serializers.ModelSerializer):
    rounds = RoundSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    is_submitted = serializers.BooleanField(read_only=True)

    class Meta:
        model = DutyLog
        fields = [
            "id", "shift", "summary", "report_up", "written_by", "is_submitted", "submitted_at", "submitted_by",
            "rounds", "events", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


def _logs(logs):
    return logs.prefetch_related(
        Prefetch("rounds", queryset=PatrolRound.objects.prefetch_related("photos")),
        Prefetch("events", queryset=DutyEvent.objects.prefetch_related("photos")),
    )


# --- Handovers ---------------------------------------------------------------------------


class HandoverSerializer(serializers.ModelSerializer):
    handed_over_by = serializers.SerializerMethodField()
    received_by = serializers.SerializerMethodField()
    is_confirmed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Handover
        fields = [
            "id", "from_shift", "to_shift", "open_matters", "keys_equipment", "notes", "handed_over_by",
            "handed_over_at", "received_by", "received_at", "receipt_notes", "is_confirmed", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_handed_over_by(self, handover) -> dict:
        return _person(handover.handed_over_by)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_received_by(self, handover) -> dict | None:
        return _person(handover.received_by)


def _handovers(handovers):
    return handovers.select_related("handed_over_by", "received_by")


# --- Shifts ------------------------------------------------------------------------------


class ShiftSerializer(serializers.ModelSerializer):
    leader = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    is_on_duty_now = serializers.SerializerMethodField()
    log_status = serializers.SerializerMethodField(help_text="none, draft or submitted")

    class Meta:
        model = Shift
        fields = [
            "id", "kind", "starts_at", "ends_at", "phone", "notes", "status", "cancelled_at", "cancel_reason",
            "leader", "members", "is_on_duty_now", "log_status", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_leader(self, shift) -> dict | None:
        return _person(shift.leader())

    @extend_schema_field(PersonSerializer(many=True))
    def get_members(self, shift) -> list[dict]:
        return [_person(member.person) for member in shift.members.all() if not member.is_leader]

    def get_is_on_duty_now(self, shift) -> bool:
        return shift.is_on_duty_at(self.context["now"])

    def get_log_status(self, shift) -> str:
        log = getattr(shift, "log", None)
        if log is None:
            return "none"
        return "submitted" if log.is_submitted else "draft"


class ShiftWriteSerializer(serializers.Serializer):
    kind = serializers.CharField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    leader = serializers.IntegerField(allow_null=True, help_text="the leader's user id (带班领导)")
    members = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class CancelShiftSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CopyWeekSerializer(serializers.Serializer):
    source = serializers.DateField(help_text="any day of the week to copy")
    target = serializers.DateField(help_text="any day of the week to fill")


class RotationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField(help_text="at or before start_time: the next day")
    people = serializers.ListField(child=serializers.IntegerField(), help_text="user ids, in turn")
    holidays_only = serializers.BooleanField(required=False, default=False)
    phone = serializers.CharField(required=False, allow_blank=True, default="")


class SaveLogSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    report_up = serializers.CharField(required=False, allow_blank=True, default="")


class SubmitLogSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    report_up = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class AddRoundSerializer(serializers.Serializer):
    patrolled_at = serializers.DateTimeField()
    area = serializers.CharField(allow_blank=True)
    is_normal = serializers.BooleanField(required=False, default=True)
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class AddEventSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    description = serializers.CharField(allow_blank=True)
    handling = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False)
    report_hazard = serializers.BooleanField(required=False, default=False, help_text="also open a hazard")
    category = serializers.CharField(required=False, allow_blank=True, default="")
    severity = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class HandOverSerializer(serializers.Serializer):
    to_shift = serializers.IntegerField(allow_null=True, help_text="the incoming shift's id")
    open_matters = serializers.CharField(required=False, allow_blank=True, default="")
    keys_equipment = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ConfirmHandoverSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, default="")


SHIFT_FILTERS = [
    UPDATED_SINCE,
    OpenApiParameter("from", str, description="only shifts ending on or after this day (YYYY-MM-DD)"),
    OpenApiParameter("to", str, description="only shifts starting on or before this day (YYYY-MM-DD)"),
    OpenApiParameter("kind", str, description="week, day, night or holiday"),
    OpenApiParameter("person", int, description="only shifts this user is on"),
]


def _day_param(params, name: str):
    raw = params.get(name, "")
    if not raw:
        return None
    day = day_from(raw)
    if day is None:
        raise refusal(name, _("日期格式应为 YYYY-MM-DD。"), "invalid_date")
    return day


@extend_schema_view(list=extend_schema(parameters=SHIFT_FILTERS))
class ShiftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """The duty roster (值班表): every member of the school sees who is on duty."""

    queryset = Shift.objects.none()  # for the schema only; rows come from get_queryset
    serializer_class = ShiftSerializer
    read_capability = C.SCHOOL_VIEW
    write_capability = C.SAFETY_RECORD
    action_capabilities = {
        "change": C.SAFETY_RECORD,
        "cancel": C.SAFETY_RECORD,
        "copy_week": C.SAFETY_RECORD,
        "rotation": C.SAFETY_RECORD,
        # A person on the shift, or a safety recorder: decided per shift (eduplatform.duty.access).
        "log": C.SCHOOL_VIEW,
        "rounds": C.SCHOOL_VIEW,
        "events": C.SCHOOL_VIEW,
        "submit_log": C.SCHOOL_VIEW,
        "hand_over": C.SCHOOL_VIEW,
    }

    def get_queryset(self):
        shifts = with_people(access.shifts_for_user(self.request.user, self.request.capabilities))
        params = self.request.query_params
        first, last = _day_param(params, "from"), _day_param(params, "to")
        if first is not None:
            shifts = shifts.filter(ends_at__gt=day_bounds(first)[0])
        if last is not None:
            shifts = shifts.filter(starts_at__lt=day_bounds(last)[1])
        if params.get("kind"):
            shifts = shifts.filter(kind=params["kind"])
        if params.get("person", "").isdigit():
            shifts = shifts.filter(members__person_id=int(params["person"]))
        return shifts.select_related("log")

    def get_object(self):
        return access.shift_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _shift(self, shift, status_code=status.HTTP_200_OK):
        shift = with_people(Shift.objects.select_related("log")).get(pk=shift.pk)
        return Response(
            ShiftSerializer(shift, context=self.get_serializer_context()).data, status=status_code
        )

    def _shifts(self, shifts):
        rows = with_people(Shift.objects.select_related("log")).filter(pk__in=[shift.pk for shift in shifts])
        return Response(
            ShiftSerializer(rows, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ShiftWriteSerializer, responses=ShiftSerializer)
    def create(self, request, *args, **kwargs):
        data = ShiftWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._shift(
            duty.create_shift(**data.validated_data, actor=request.user), status.HTTP_201_CREATED
        )

    @extend_schema(request=ShiftWriteSerializer, responses=ShiftSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        shift = self.get_object()
        data = ShiftWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._shift(duty.change_shift(shift=shift, **data.validated_data, actor=request.user))

    @extend_schema(request=CancelShiftSerializer, responses=ShiftSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        shift = self.get_object()
        data = CancelShiftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._shift(duty.cancel_shift(shift=shift, **data.validated_data, actor=request.user))

    @extend_schema(request=CopyWeekSerializer, responses=ShiftSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="copy-week")
    def copy_week(self, request):
        data = CopyWeekSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._shifts(duty.copy_week(**data.validated_data, actor=request.user))

    @extend_schema(request=RotationSerializer, responses=ShiftSerializer(many=True))
    @action(detail=False, methods=["post"])
    def rotation(self, request):
        data = RotationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._shifts(duty.fill_rotation(**data.validated_data, actor=request.user))

    # --- The shift's log and handover: by a person on it -----------------------------

    def _writable_shift(self):
        shift = self.get_object()
        if not access.may_write_log(self.request.user, self.request.capabilities, shift):
            raise exceptions.PermissionDenied(
                _("只有本班次的值班人员或安全管理人员可以填写。"), code="not_on_shift"
            )
        return shift

    def _log(self, shift, status_code=status.HTTP_200_OK):
        log = _logs(DutyLog.objects.filter(shift=shift)).get()
        return Response(DutyLogSerializer(log).data, status=status_code)

    @extend_schema(request=SaveLogSerializer, responses=DutyLogSerializer)
    @action(detail=True, methods=["post"])
    def log(self, request, pk=None):
        """Write the draft log's summary and what to report up."""
        shift = self._writable_shift()
        data = SaveLogSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        duty.save_log(shift=shift, **data.validated_data, actor=request.user)
        return self._log(shift)

    @extend_schema(request={"multipart/form-data": AddRoundSerializer}, responses=DutyLogSerializer)
    @action(detail=True, methods=["post"])
    def rounds(self, request, pk=None):
        shift = self._writable_shift()
        data = AddRoundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {key: value for key, value in data.validated_data.items() if key != "photos"}
        duty.add_round(shift=shift, **values, photos=_photos(request), actor=request.user)
        return self._log(shift, status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": AddEventSerializer}, responses=DutyLogSerializer)
    @action(detail=True, methods=["post"])
    def events(self, request, pk=None):
        """An event and how it was handled; with report_hazard, it also opens a hazard (which
        needs a photo, a category, a severity and a location, as any hazard report)."""
        shift = self._writable_shift()
        data = AddEventSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        hazard = None
        if values["report_hazard"]:
            if C.HAZARDS_REPORT not in request.capabilities:
                raise exceptions.PermissionDenied(_("缺少权限：上报隐患。"), code="missing_capability")
            hazard = duty.HazardReport(
                category=values["category"], severity=values["severity"], location=values["location"],
                deadline=values["deadline"],
            )  # fmt: skip
        duty.add_event(
            shift=shift, occurred_at=values["occurred_at"], description=values["description"],
            handling=values["handling"], photos=_photos(request), hazard=hazard, actor=request.user,
        )  # fmt: skip
        return self._log(shift, status.HTTP_201_CREATED)

    @extend_schema(request=SubmitLogSerializer, responses=DutyLogSerializer)
    @action(detail=True, methods=["post"], url_path="submit-log")
    def submit_log(self, request, pk=None):
        shift = self._writable_shift()
        data = SubmitLogSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        duty.submit_log(shift=shift, **data.validated_data, actor=request.user)
        return self._log(shift)

    @extend_schema(request=HandOverSerializer, responses=HandoverSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        """Hand the shift over to the next one: only a person on this shift may."""
        shift = self.get_object()
        data = HandOverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        to_id = values.pop("to_shift")
        to_shift = None
        if to_id is not None:
            to_shift = access.shifts_for_user(request.user, request.capabilities).filter(pk=to_id).first()
            if to_shift is None:
                raise refusal("to_shift", _("请选择本班次之后的下一个班次。"), "invalid_next_shift")
        handover = duty.hand_over(shift=shift, to_shift=to_shift, **values, actor=request.user)
        return Response(HandoverSerializer(_handovers(Handover.objects).get(pk=handover.pk)).data, status=201)


# --- Logs and handovers ---------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class DutyLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Duty logs (值班日志): to those who watch safety, and to the people on each shift."""

    queryset = DutyLog.objects.none()  # for the schema only
    serializer_class = DutyLogSerializer
    read_capability = C.SCHOOL_VIEW

    def get_queryset(self):
        return _logs(access.logs_for_user(self.request.user, self.request.capabilities))

    def get_object(self):
        return access.log_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        log = _logs(DutyLog.objects.filter(pk=self.get_object().pk)).get()
        return Response(DutyLogSerializer(log).data)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class HandoverViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Handovers (交接班): to those who watch safety, and to the people on either shift."""

    queryset = Handover.objects.none()  # for the schema only
    serializer_class = HandoverSerializer
    read_capability = C.SCHOOL_VIEW
    # Only a person on the incoming shift confirms (the action refuses anyone else).
    action_capabilities = {"confirm": C.SCHOOL_VIEW}

    def get_queryset(self):
        return _handovers(access.handovers_for_user(self.request.user, self.request.capabilities))

    def get_object(self):
        return access.handover_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    @extend_schema(request=ConfirmHandoverSerializer, responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        handover = self.get_object()
        data = ConfirmHandoverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        duty.confirm_handover(handover=handover, **data.validated_data, actor=request.user)
        return Response(HandoverSerializer(_handovers(Handover.objects).get(pk=handover.pk)).data)
