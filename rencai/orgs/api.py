from typing import Any

from django.db import transaction
from rest_framework import mixins, permissions, serializers, viewsets

from rencai.accounts import roles
from rencai.api import AttributedMixin
from rencai.orgs import actions
from rencai.orgs.models import OrgUnit
from rencai.records.versions import VersionedViewSet


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none(), allow_null=True)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "name",
            "kind",
            "parent",
            "level",
            "name_path",
            "division_code",
            "is_active",
        ]
        read_only_fields = ["level", "name_path", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["parent"].queryset = OrgUnit.objects.visible_to(request.user).active()

    def validate_parent(self, parent: OrgUnit | None) -> OrgUnit:
        if parent is None:
            raise serializers.ValidationError("必须指定上级组织")
        return parent


class ManagesOrgsOrReads(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return roles.reads_records(request.user)
        return roles.manages_orgs(request.user)


class OrgUnitViewSet(
    AttributedMixin,
    VersionedViewSet,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """组织: the units of the caller's jurisdiction. The county admin may add and rename units."""

    serializer_class = OrgUnitSerializer
    permission_classes = [ManagesOrgsOrReads]
    filterset_fields = ["kind", "is_active", "parent"]

    def get_queryset(self):
        return OrgUnit.objects.visible_to(self.request.user).order_by("path")

    def perform_create(self, serializer: OrgUnitSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = actions.create_org(
            name=data["name"],
            kind=data["kind"],
            parent=data["parent"],
            division_code=data.get("division_code", ""),
            acting_user=self.request.user,
        )

    @transaction.atomic
    def perform_update(self, serializer: OrgUnitSerializer) -> None:
        unit = serializer.instance
        self.check_version(unit)
        data = serializer.validated_data
        if "name" in data and data["name"] != unit.name:
            actions.rename_org(unit, name=data["name"], acting_user=self.request.user)
        if "parent" in data and data["parent"] != unit.parent and unit.parent_id is not None:
            actions.move_org(unit, new_parent=data["parent"], acting_user=self.request.user)
        changed = False
        for field in ("kind", "division_code"):
            if field in data and getattr(unit, field) != data[field]:
                setattr(unit, field, data[field])
                changed = True
        if changed:
            unit.full_clean()
            unit.save()
