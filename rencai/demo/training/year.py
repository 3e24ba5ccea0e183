"""The demo's training year as one run sees it (`TrainingYear`): the county's tree, its active
people as trainees, who lives under each unit, how large a year this register gets, and the one
random stream every record module draws from in turn — the same seed and date give the same year.
"""

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models.functions import Mod

from rencai.audit.bulk import BulkWriter, Values
from rencai.orgs.choices import TOWNSHIP_KINDS, VILLAGE_KINDS, OrgKind
from rencai.orgs.models import OrgUnit
from rencai.people.choices import PersonStatus
from rencai.people.models import Person
from rencai.training.models import TrainingCategory

FULL_SCALE_PERSONS = 4600  # active Persons of the default demo
MAX_LOADED = 60_000  # a register larger than this is sampled (the 1M benchmark county)


@dataclass(frozen=True, slots=True)
class Trainee:
    pk: int
    name: str
    home: int  # the home unit's pk
    birth: date
    party: bool


class LabelledWriter(BulkWriter):
    """BulkWriter whose change entries name each row as its `str()` would."""

    def __init__(self, model: type, label: Callable[[Values], str]) -> None:
        super().__init__(model)
        self._label = label

    def label(self, values: Values) -> str:
        return self._label(values)


class TrainingYear:
    """The state of one run: read once from the database, then handed to each record module's
    `add_…` in the order the year is built (`rencai.demo.training.add_training`)."""

    def __init__(self, county: OrgUnit, *, seed: int, today: date) -> None:
        self.county = county
        self.today = today
        self.year = today.year
        self.rng = random.Random(f"{seed}-training-{self.year}")
        self.counts: dict[str, int] = {}
        units = sorted(
            OrgUnit.objects.subtree(county).active().exclude(pk=county.pk),
            key=lambda u: u.name_path,
        )
        self.units = {u.pk: u for u in [county, *units]}
        self.children: dict[int, list[OrgUnit]] = defaultdict(list)
        for unit in units:
            self.children[unit.parent_id].append(unit)
        self.townships = [u for u in self.children[county.pk] if u.kind in TOWNSHIP_KINDS]
        self.by_name = {u.name: u for u in self.children[county.pk]}
        active = TrainingCategory.objects.filter(is_active=True)
        self.categories = {cat.name: cat for cat in active}
        self.people = self._load_people()
        self.scale = min(1.0, len(self.people) / FULL_SCALE_PERSONS)
        # Who lives in each unit's subtree (indexes into self.people).
        self.living: dict[int, list[int]] = defaultdict(list)
        for i, person in enumerate(self.people):
            for unit in self.chain(person.home):
                self.living[unit].append(i)
        self.villages = [
            v for t in self.townships for v in self.children[t.pk] if v.kind in VILLAGE_KINDS
        ]

    def _load_people(self) -> list[Trainee]:
        rows = Person.objects.filter(
            status=PersonStatus.ACTIVE, home_org__in=list(self.units)
        ).order_by("id_number")
        total = rows.count()
        if total > MAX_LOADED:
            rows = rows.annotate(m=Mod("id", total // MAX_LOADED + 1)).filter(m=0)
        fields = ("pk", "name", "home_org_id", "birth_date", "political_status")
        return [
            Trainee(pk, name, home, birth, political == "01")
            for pk, name, home, birth, political in rows.values_list(*fields).iterator(2000)
        ]

    # -- what the record modules ask -------------------------------------------------------

    def chain(self, unit_id: int) -> list[int]:
        """The unit and its ancestors up to the county."""
        out = []
        while unit_id is not None and unit_id in self.units:
            out.append(unit_id)
            unit_id = self.units[unit_id].parent_id
        return out

    def scaled(self, full: int, least: int = 1) -> int:
        """How many of something the full demo has `full` of this register gets."""
        return max(least, round(full * self.scale))

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def age(self, person: Trainee) -> int:
        return (self.today - person.birth).days // 365

    def stem(self, unit: OrgUnit) -> str:
        """The unit's name without 村, 镇 … (桥头村 → 桥头), as names of things there begin."""
        for suffix in ("社区", "街道", "村", "镇", "乡"):
            if unit.name.endswith(suffix) and len(unit.name) > len(suffix) + 1:
                return unit.name[: -len(suffix)]
        return unit.name

    def village_of(self, person: Trainee) -> OrgUnit:
        unit = self.units[person.home]
        return self.units[unit.parent_id] if unit.kind == OrgKind.VILLAGER_GROUP else unit

    def township_of(self, unit_id: int) -> OrgUnit:
        chain = self.chain(unit_id)
        return self.units[chain[-2]] if len(chain) > 1 else self.county

    def pick(self, pool: Sequence[int], k: int) -> list[int]:
        return self.rng.sample(pool, min(k, len(pool)))

    def add_count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n
