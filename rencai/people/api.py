from typing import Any

from django.db import transaction
from rest_framework import mixins, serializers, viewsets

from rencai.api import AttributedMixin, ReadsRecords
from rencai.orgs.models import OrgUnit
from rencai.people import actions, validation
from rencai.people.filters import PersonFilter
from rencai.people.models import Person, Qualification, TalentCategory
from rencai.records.api import LimitedTextSerializer
from rencai.records.versions import VersionedViewSet
from rencai.standards.idnumber import mask_id_number, parse_id_number
from rencai.standards.phone import mask_phone


class MaskedField(serializers.CharField):
    """Read as masked, write in full: identifiers never leave the API unmasked."""

    def __init__(self, masker, **kwargs: Any):
        self.masker = masker
        super().__init__(**kwargs)

    def to_representation(self, value: str) -> str:
        return self.masker(value)


class QualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = ["id", "kind", "level", "number", "issuer", "issued_on", "valid_until"]


class PersonSerializer(LimitedTextSerializer):
    id_number = MaskedField(mask_id_number, max_length=30)
    phone = MaskedField(mask_phone, max_length=30, required=False, allow_blank=True)
    home_org = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none())
    work_org = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.none(), required=False, allow_null=True
    )
    categories = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=TalentCategory.objects.filter(is_active=True)
    )
    home_org_path = serializers.CharField(source="home_org.name_path", read_only=True)
    # 出生年月 only: the day would narrow the masked ID number 30-fold (docs/design.md, Masking).
    birth_month = serializers.CharField(read_only=True)
    qualifications = QualificationSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_number",
            "gender",
            "birth_month",
            "ethnicity",
            "political_status",
            "education",
            "degree",
            "phone",
            "home_org",
            "home_org_path",
            "work_org",
            "employer",
            "post",
            "title_series",
            "title_level",
            "skill_level",
            "specialty",
            "source",
            "status",
            "status_reason",
            "categories",
            "qualifications",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "gender",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
        ]
        validators: list = []  # the ID's uniqueness is checked in validate_id_number

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            person = self.instance if isinstance(self.instance, Person) else None
            keep = (person.home_org_id, person.work_org_id) if person else ()
            units = OrgUnit.objects.assignable_by(request.user, keep=keep)
            self.fields["home_org"].queryset = units
            self.fields["work_org"].queryset = units

    def validate_name(self, value: str) -> str:
        return validation.clean_name(value)

    def validate_id_number(self, value: str) -> str:
        pk = self.instance.pk if isinstance(self.instance, Person) else None
        user = getattr(self.context.get("request"), "user", None)
        return validation.clean_id_number(value, person_pk=pk, user=user).number

    def validate_phone(self, value: str) -> str:
        return validation.clean_phone(value)

    def _write(self, person: Person, data: dict) -> Person:
        categories = data.pop("categories", None)
        for key, value in data.items():
            setattr(person, key, value)
        parsed = parse_id_number(person.id_number)
        person.birth_date, person.gender = parsed.birth_date, parsed.gender
        with transaction.atomic():
            return actions.save_person(
                person, categories=categories, acting_user=self.context["request"].user
            )

    def create(self, validated_data: dict) -> Person:
        return self._write(Person(), validated_data)

    def update(self, instance: Person, validated_data: dict) -> Person:
        return self._write(instance, validated_data)


class PersonViewSet(
    AttributedMixin,
    VersionedViewSet,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """人员: the register within the caller's jurisdiction, with the web list's filters.
    ID numbers and phones are always masked."""

    serializer_class = PersonSerializer
    permission_classes = [ReadsRecords]
    filterset_class = PersonFilter

    def get_queryset(self):
        qs = Person.objects.visible_to(self.request.user)
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            qs = Person.objects.editable_by(self.request.user)
        return (
            qs.select_related("home_org")
            .prefetch_related("categories", "qualifications")
            .order_by("-id")
        )
