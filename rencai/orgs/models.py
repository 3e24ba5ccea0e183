import secrets
from collections.abc import Iterable
from functools import cached_property

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rencai.audit.querysets import AuditedQuerySet
from rencai.orgs.choices import OrgKind

PATH_SEPARATOR = "/"


def new_uid() -> str:
    return secrets.token_hex(5)


class OrgUnitQuerySet(AuditedQuerySet):
    def subtree(self, root: "OrgUnit") -> "OrgUnitQuerySet":
        """`root` and every unit below it (the DHIS2 data scope)."""
        return self.filter(path__startswith=root.path)

    def subtree_ids(self, root: "OrgUnit") -> list[int]:
        """The ids of `root`'s subtree as a list: a few dozen for a township, a few hundred for a
        county. Filtering records by a literal id list lets PostgreSQL combine the indexes of
        two org columns (home OR work) instead of testing a subquery row by row."""
        return list(self.subtree(root).order_by().values_list("id", flat=True))

    def child_of(self, root: "OrgUnit", children: Iterable["OrgUnit"]) -> dict[int, int]:
        """Each unit of `root`'s subtree that lies in one of `children`'s subtrees (units directly
        under `root`) → that child's id: what a per-child figure adds a row up under."""
        child_by_uid = {c.uid: c.pk for c in children}
        found = {}
        for unit_id, path in self.subtree(root).values_list("id", "path"):
            first_below = path[len(root.path) :].split("/", 1)[0]
            if first_below in child_by_uid:
                found[unit_id] = child_by_uid[first_below]
        return found

    def is_sole_root(self, unit: "OrgUnit") -> bool:
        """True when `unit` is the root of the only tree: its subtree is everything."""
        return (
            unit.parent_id is None
            and not self.filter(parent__isnull=True).exclude(pk=unit.pk).exists()
        )

    def visible_to(self, user) -> "OrgUnitQuerySet":
        """The units inside the user's jurisdiction (the 三员's too: they place accounts in
        units); none for a user without a unit, without a role or whose account is disabled."""
        signed_in = getattr(user, "is_authenticated", False) and user.is_active and user.role
        org = user.org if signed_in else None
        if org is None:
            return self.none()
        return self.subtree(org)

    def in_tree_order(self) -> list["OrgUnit"]:
        """Depth-first, siblings ordered as offices list them: townships and streets by their
        统计用区划代码, then villages, then departments and other units by name."""
        units = list(self)
        by_parent: dict[int | None, list[OrgUnit]] = {}
        ids = {u.pk for u in units}
        for unit in units:
            by_parent.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
        out: list[OrgUnit] = []

        def walk(parent_id: int | None) -> None:
            for unit in sorted(by_parent.get(parent_id, []), key=OrgUnit.sibling_key):
                out.append(unit)
                walk(unit.pk)

        walk(None)
        return out

    def assignable_by(self, user, *, keep: tuple[int | None, ...] = ()) -> "OrgUnitQuerySet":
        """Units a user may put on a record: the active units of their jurisdiction, plus the
        units the record already has (`keep`), so editing a record shared with another township
        does not force it to move. Whether the result stays in scope is checked on save."""
        return self.filter(
            Q(pk__in=self.visible_to(user).active().values("pk"))
            | Q(pk__in=[pk for pk in keep if pk is not None])
        )

    def active(self) -> "OrgUnitQuerySet":
        return self.filter(is_active=True)

    def by_path_text(self, text: str) -> "OrgUnit | None":
        """Find a unit by its name path, e.g. 示范县/城关镇/东关村."""
        names = [n.strip() for n in text.replace("／", "/").split("/") if n.strip()]
        unit = None
        for name in names:
            unit = self.filter(
                Q(parent=unit) if unit else Q(parent__isnull=True), name=name
            ).first()
            if unit is None:
                return None
        return unit


class OrgUnit(models.Model):
    """组织: one unit of the tree — the county, a township or street, a village or community,
    a villager group, or a department, institution, enterprise or social organisation.

    `path` is the materialised path of uids from the root ("/a1b2c3d4e5/f6…/"): a subtree is one
    indexed prefix match, and a user's jurisdiction is the subtree of their unit.
    """

    uid = models.CharField(
        _("唯一标识"), max_length=10, unique=True, default=new_uid, editable=False
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=400, unique=True, editable=False)
    level = models.PositiveSmallIntegerField(_("层级"), default=1, editable=False)
    name_path = models.CharField(_("全称路径"), max_length=600, editable=False, db_index=True)
    division_code = models.CharField(
        _("统计用区划代码"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{12}$", _("统计用区划代码应为 12 位数字"))],
    )
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)
    retired_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]
        indexes = [
            # Subtree matches are `path LIKE '/uid/uid/%'`; PostgreSQL needs pattern ops for that
            # under a non-C collation (other databases use a plain index).
            models.Index(
                fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_under_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.refresh_path()
        super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs) -> None:
        self.refresh_path()
        super().full_clean(*args, **kwargs)

    def refresh_path(self) -> None:
        if self.parent_id is None:
            self.path, self.level, self.name_path = f"/{self.uid}/", 1, self.name
        else:
            parent = self.parent
            self.path = f"{parent.path}{self.uid}/"
            self.level = parent.level + 1
            self.name_path = f"{parent.name_path}/{self.name}"

    def sibling_key(self) -> tuple:
        kinds = list(OrgKind.values)
        return (self.sort_order, kinds.index(self.kind), self.division_code or "~", self.name)

    @cached_property
    def root_path(self) -> str:
        """The path of this unit's county: the nearest 县 at or above it, else the root of its
        tree. A city's or a province's installation holds several counties under one root, and
        "anywhere in the county" must not reach into the next county."""
        uids = [uid for uid in self.path.split(PATH_SEPARATOR) if uid]
        if self.kind == OrgKind.COUNTY or len(uids) <= 1:
            return self.path
        counties = OrgUnit.objects.filter(uid__in=uids[:-1], kind=OrgKind.COUNTY)
        deepest = max(counties.values_list("path", flat=True), key=len, default=None)
        return deepest or f"/{uids[0]}/"

    def is_within(self, other: "OrgUnit") -> bool:
        """True when this unit is `other` or lies below it."""
        return self.path.startswith(other.path)
