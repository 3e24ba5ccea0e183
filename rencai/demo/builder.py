"""Build 示范县: the org tree, a register of realistic Persons, and one account per role.

Fast enough for a million Persons (the benchmarks; a few minutes on PostgreSQL or SQLite):
Persons are generated as plain rows in batches of 20,000, each batch written in one transaction
together with its categories and one change-log entry per Person (see _PersonWriter).
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from django.db import transaction

from rencai.accounts.models import User
from rencai.accounts.roles import Role
from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.demo import county as c
from rencai.demo.census import add_census
from rencai.demo.training import add_training
from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit
from rencai.people.bulk import PersonBulkWriter
from rencai.people.choices import PersonStatus, Source
from rencai.people.models import Person, TalentCategory
from rencai.standards.idnumber import check_digit

DEMO_PASSWORD = "Rencai-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    org_path: str


DEMO_ACCOUNTS = [
    DemoAccount("county_admin", "县人才办 刘主任", Role.COUNTY_ADMIN, "示范县"),
    DemoAccount("chengguan_admin", "城关镇 王干事", Role.TOWNSHIP_ADMIN, "示范县/城关镇"),
    DemoAccount("chengguan_leader", "城关镇 李书记", Role.LEADER, "示范县/城关镇"),
    DemoAccount("dongguan_clerk", "东关村 张会计", Role.CLERK, "示范县/城关镇/东关村"),
    DemoAccount("qingshan_admin", "青山镇 赵干事", Role.TOWNSHIP_ADMIN, "示范县/青山镇"),
    DemoAccount("county_leader", "县委 陈部长", Role.LEADER, "示范县"),
    DemoAccount("sysadmin", "系统管理员", Role.SYSADMIN, "示范县"),
    DemoAccount("secadmin", "安全管理员", Role.SECADMIN, "示范县"),
    DemoAccount("auditor", "审计管理员", Role.AUDITOR, "示范县"),
]


def build_tree(rng: random.Random) -> OrgUnit:
    """The county and everything below it; an existing 示范县 is reused as it is."""
    existing = OrgUnit.objects.filter(parent__isnull=True, name=c.COUNTY_NAME).first()
    if existing is not None:
        return existing
    county = OrgUnit.objects.create(
        name=c.COUNTY_NAME, kind=OrgKind.COUNTY, division_code=f"{c.COUNTY_CODE}000000"
    )
    code = c.COUNTY_CODE
    for i, name in enumerate(c.STREETS, start=1):
        street = OrgUnit.objects.create(
            name=name, kind=OrgKind.STREET, parent=county, division_code=f"{code}{i:03d}000"
        )
        for j, vname in enumerate(_village_names(rng, 10, {}, "社区"), start=1):
            OrgUnit.objects.create(
                name=vname,
                kind=OrgKind.COMMUNITY,
                parent=street,
                division_code=f"{code}{i:03d}{j:03d}",
            )
    for i, name in enumerate(c.TOWNSHIPS, start=100):
        town = OrgUnit.objects.create(
            name=name, kind=OrgKind.TOWNSHIP, parent=county, division_code=f"{code}{i:03d}000"
        )
        names = c.FIRST_VILLAGES.get(name) or [
            *_village_names(rng, 1, {}, "社区"),
            *_village_names(rng, rng.randint(10, 13), {}, "村"),
        ]
        for j, vname in enumerate(names, start=1):
            kind = OrgKind.COMMUNITY if vname.endswith("社区") else OrgKind.VILLAGE
            number = j if kind == OrgKind.COMMUNITY else 199 + j
            village = OrgUnit.objects.create(
                name=vname, kind=kind, parent=town, division_code=f"{code}{i:03d}{number:03d}"
            )
            if vname == "东关村":
                for k in range(1, 5):
                    OrgUnit.objects.create(
                        name=f"第{'一二三四'[k - 1]}村民组",
                        kind=OrgKind.VILLAGER_GROUP,
                        parent=village,
                    )
        if name == "城关镇":
            OrgUnit.objects.create(name="城关镇卫生院", kind=OrgKind.INSTITUTION, parent=town)
            OrgUnit.objects.create(name="城关镇中心学校", kind=OrgKind.INSTITUTION, parent=town)
    for names, kind in c.UNIT_KINDS:
        for name in names:
            OrgUnit.objects.create(name=name, kind=kind, parent=county)
    return county


def _village_names(rng: random.Random, n: int, seen: dict, suffix: str) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(c.VILLAGE_SYLLABLES) + rng.choice(c.VILLAGE_SYLLABLES) + suffix
        if name not in names and name[0] != name[1]:
            names.append(name)
    return names


def ensure_accounts(county: OrgUnit) -> list[tuple[DemoAccount, bool]]:
    """One account per role; existing accounts are left as they are."""
    out = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        created = user is None
        if created:
            org = OrgUnit.objects.by_path_text(account.org_path)
            user = User(
                username=account.username,
                display_name=account.display_name,
                role=account.role,
                org=org,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        out.append((account, created))
    return out


# Realistic shares for a rural county (weights, not exact proportions).
EDUCATION_WEIGHTS = [
    ("14", 1),
    ("10", 1),
    ("20", 13),
    ("30", 16),
    ("40", 10),
    ("60", 19),
    ("70", 33),
    ("80", 7),
]
POLITICAL_WEIGHTS = [("13", 58), ("01", 24), ("03", 12), ("02", 2), ("12", 2), ("05", 1), ("10", 1)]
ETHNICITY_WEIGHTS = [("01", 55), ("15", 28), ("06", 14), ("04", 1), ("03", 1), ("08", 1)]
SOURCE_WEIGHTS = [(Source.LOCAL, 86), (Source.INTRODUCED, 8), (Source.RETURNED, 6)]
STATUS_WEIGHTS = [
    (PersonStatus.ACTIVE, 92),
    (PersonStatus.OUTFLOW, 5),
    (PersonStatus.EXITED, 2),
    (PersonStatus.DECEASED, 1),
]
CATEGORY_WEIGHTS = [
    ("农村实用人才", 40),
    ("专业技术人才", 18),
    ("高技能人才", 7),
    ("企业经营管理人才", 5),
    ("党政人才", 6),
    ("社会工作人才", 3),
    ("土专家", 6),
    ("田秀才", 4),
    ("新农人", 4),
    ("乡村工匠", 3),
    ("文艺人才", 3),
    ("返乡能人", 3),
    ("高校毕业生", 3),
    ("后备干部", 2),
    ("新型职业农民", 6),
    ("农创客", 2),
]

# A 农村实用人才 also has one of the five types, and often one of the 2021 rural classes; some
# 专业技术人才 serve villages as 乡村公共服务人才.
PRACTICAL_TYPE_WEIGHTS = [
    ("生产型", 50),
    ("经营型", 20),
    ("技能服务型", 10),
    ("技能带动型", 10),
    ("社会服务型", 10),
]
RURAL_CLASS_WEIGHTS = [
    ("农业生产经营人才", 50),
    ("农村二三产业发展人才", 25),
    ("乡村治理人才", 10),
    ("农业农村科技人才", 15),
]


def _weighted(pairs: list) -> tuple[list, list[float]]:
    """(values, cumulative weights) for random.choices(values, cum_weights=...)."""
    values = [str(v) if isinstance(v, str) else v for v, _w in pairs]  # plain str, not enums
    return values, list(accumulate(w for _v, w in pairs))


STATUS_REASONS = {
    PersonStatus.OUTFLOW: "外出务工",
    PersonStatus.EXITED: "不再从事相关工作",
    PersonStatus.DECEASED: "病故",
}
# Distinct names drawn for a large register: a county of a million has many namesakes, and
# working out the 拼音首字母 of each name once (not once per Person) is what makes 1M fast.
NAME_POOL = 50_000


class PersonFactory:
    """Generates Persons as plain rows: {attname: value} with valid, unique ID numbers
    consistent with birth date and gender, and the derived search keys filled in."""

    def __init__(self, rng: random.Random, county: OrgUnit, taken: set[str], names: int):
        self.rng = rng
        self.taken = taken
        # In name order, not by path (random uids): the same seed gives the same register on
        # any database.
        units = sorted(
            OrgUnit.objects.subtree(county).filter(is_active=True), key=lambda u: u.name_path
        )
        self.homes = [
            u.pk
            for u in units
            if u.kind in (OrgKind.VILLAGE, OrgKind.COMMUNITY, OrgKind.VILLAGER_GROUP)
        ]
        self.workplaces = [
            (u.pk, u.name)
            for u in units
            if u.kind
            in (OrgKind.DEPARTMENT, OrgKind.INSTITUTION, OrgKind.ENTERPRISE, OrgKind.SOCIAL_ORG)
        ]
        self.today = date.today()
        self.categories = {cat.name: cat.pk for cat in TalentCategory.objects.all()}
        self.tables = {
            name: _weighted(pairs)
            for name, pairs in (
                ("education", EDUCATION_WEIGHTS),
                ("political", POLITICAL_WEIGHTS),
                ("ethnicity", ETHNICITY_WEIGHTS),
                ("source", SOURCE_WEIGHTS),
                ("status", STATUS_WEIGHTS),
                ("category", self._present(CATEGORY_WEIGHTS)),
                ("practical_type", self._present(PRACTICAL_TYPE_WEIGHTS)),
                ("rural_class", self._present(RURAL_CLASS_WEIGHTS)),
            )
        }
        self.names = [self._name() for _ in range(max(1, names))]
        self._id_prefix: dict[date, str] = {}

    def _present(self, weights: list[tuple[str, int]]) -> list[tuple[int, int]]:
        """(category id, weight) for the named categories this installation still has."""
        return [(self.categories[n], w) for n, w in weights if n in self.categories]

    def _name(self) -> tuple[str, str]:
        """(name, its 拼音首字母 as Person.fill_derived computes them)."""
        rng = self.rng
        surname = rng.choice(c.SURNAMES)
        given = "".join(rng.choice(c.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
        probe = Person(name=surname + given, id_number="")
        probe.fill_derived()
        return probe.name, probe.name_initials

    def pick(self, table: str):
        values, cum_weights = self.tables[table]
        return self.rng.choices(values, cum_weights=cum_weights)[0]

    def id_number(self, birth: date, gender: str) -> str:
        prefix = self._id_prefix.get(birth)
        if prefix is None:
            prefix = self._id_prefix[birth] = f"{c.COUNTY_CODE}{birth:%Y%m%d}"
        odd = 1 if gender == "1" else 0
        while True:
            # The sequence's last digit is odd for men, even for women (GB 11643).
            body = f"{prefix}{self.rng.randrange(0, 500) * 2 + odd:03d}"
            number = body + check_digit(body)
            if number not in self.taken:
                self.taken.add(number)
                return number

    def make(self) -> tuple[dict, list[int]]:
        """One Person as {attname: value} (fields left out take their defaults), and the pks
        of its categories."""
        rng = self.rng
        gender = rng.choice("12")
        birth = self.today - timedelta(days=int(rng.triangular(18, 70, 42) * 365.25))
        name, name_initials = rng.choice(self.names)
        status = self.pick("status")
        work_id, employer = rng.choice(self.workplaces) if rng.random() < 0.18 else (None, "")
        id_number = self.id_number(birth, gender)
        row = {
            "name": name,
            "name_initials": name_initials,
            "id_number": id_number,
            "id_reversed": id_number[::-1],
            "gender": gender,
            "birth_date": birth,
            "ethnicity": self.pick("ethnicity"),
            "political_status": self.pick("political"),
            "education": self.pick("education"),
            "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            "home_org_id": rng.choice(self.homes),
            "work_org_id": work_id,
            "employer": employer,
            "specialty": rng.choice(c.SPECIALTIES),
            "source": self.pick("source"),
            "status": status,
            "status_reason": STATUS_REASONS.get(status, ""),
        }
        n_categories = rng.choices((0, 1, 2), cum_weights=(8, 78, 100))[0]
        cats = {self.pick("category") for _ in range(n_categories)}
        if self.categories.get("农村实用人才") in cats:
            if self.tables["practical_type"][0]:
                cats.add(self.pick("practical_type"))
            if self.tables["rural_class"][0] and rng.random() < 0.6:
                cats.add(self.pick("rural_class"))
        public_service = self.categories.get("乡村公共服务人才")
        if public_service and self.categories.get("专业技术人才") in cats and rng.random() < 0.3:
            cats.add(public_service)
        return row, list(cats)

    def batches(self, total: int, size: int) -> Iterator[list[tuple[dict, list[int]]]]:
        for start in range(0, total, size):
            yield [self.make() for _ in range(min(size, total - start))]


def add_persons(
    county: OrgUnit, count: int, *, seed: int = 2026, batch_size: int = 20_000, progress=None
) -> int:
    """Add `count` generated Persons (each batch in its own transaction), each with its
    change-log entry (action create) in one bulk event."""
    if count <= 0:
        return 0
    rng = random.Random(seed + Person.objects.count())
    taken = set(Person.objects.values_list("id_number", flat=True).iterator())
    factory = PersonFactory(rng, county, taken, names=min(count, NAME_POOL))
    writer = PersonBulkWriter(durable=False)
    batch_event = record_event(
        AuditAction.BULK, detail={"what": "示范数据：生成人员", "count": count}
    )
    written = 0
    with acting_as(None, username="system:demo", batch=batch_event):
        for batch in factory.batches(count, batch_size):
            written += len(writer.write(batch)[0])
            if progress:
                progress(written, count)
    writer.analyze()
    return written


def build(persons: int = 5000, *, progress=None) -> tuple[OrgUnit, int, list, dict]:
    """Build or top up the demo county to `persons` Persons, with a year of training and the
    year's census round (each once); returns (county, added, accounts, what the year added:
    {"training": {…}, "census": {…}}, each {} when nothing was)."""
    rng = random.Random(2026)
    with acting_as(None, username="system:demo"):
        with transaction.atomic():
            county = build_tree(rng)
            accounts = ensure_accounts(county)
        missing = persons - Person.objects.visible_to(_county_reader(county)).count()
        added = add_persons(county, missing, progress=progress)
        year = {"training": add_training(county), "census": add_census(county)}
    return county, added, accounts, year


def _county_reader(county: OrgUnit) -> User:
    return User(role=Role.COUNTY_ADMIN, org=county, is_active=True)
