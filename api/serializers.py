from __future__ import annotations

from rest_framework import serializers

from eduplatform.organisation.models import Department
from tenants.models import School


class SchoolSerializer(serializers.ModelSerializer):
    district_code = serializers.CharField(source="district.code", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True)

    class Meta:
        model = School
        fields = [
            "code",
            "name",
            "kind",
            "district_code",
            "district_name",
            "address",
            "student_count",
            "staff_count",
            "status",
            "updated_at",
        ]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "is_logistics_office", "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "is_active", "created_at", "updated_at"]
