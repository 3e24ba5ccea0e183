"""API endpoints of the 培训班次 and the 培训台账 (their pages are in views.py)."""

from typing import Any

from django.db.models import Count
from rest_framework import serializers

from rencai.records.api import RecordSerializer, record_viewset
from rencai.training.filters import AttendanceFilter, ProgramFilter
from rencai.training.models import Attendance, TrainingProgram


class ProgramSerializer(RecordSerializer):
    attendance_count = serializers.IntegerField(read_only=True)  # annotated by the viewset


class AttendanceSerializer(RecordSerializer):
    """A 人次 is written by the program's organiser only (AttendanceQuerySet.write_fields), as
    on the program's page."""

    program_name = serializers.CharField(source="program.name", read_only=True)


ROUTES: list[tuple[str, Any, str]] = [
    (
        "training/programs",
        record_viewset(
            TrainingProgram,
            ProgramFilter,
            [
                "name",
                "category",
                "organiser",
                "base",
                "start_date",
                "end_date",
                "hours",
                "teachers",
                "location",
                "subsidy_per_attendance",
                "funding_source",
                "notes",
            ],
            related=("category", "organiser", "base"),
            base=ProgramSerializer,
            annotate={"attendance_count": Count("attendances")},
        ),
        "training-program",
    ),
    (
        "training/attendances",
        record_viewset(
            Attendance,
            AttendanceFilter,
            ["program", "person", "notes"],
            related=("program", "person"),
            base=AttendanceSerializer,
        ),
        "training-attendance",
    ),
]
