"""A year of training in 示范县 (DESIGN §2.3), drawn from its people register: training bases
and their inspections, programs and the 人次 ledger, targets decomposed down the tree, outcomes,
business entities, mentorships, art teams and their performances, reserve-pool memberships.

Seeded like the rest of the demo, and run once: a county that already has training programs is
left as it is. The ledger and the targets go in through the bulk writer with their change
entries; the few hundred other records through the audited ORM.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models.functions import Mod
from django.utils import timezone

from rencai.audit.bulk import BulkWriter, Values
from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.demo import county as c
from rencai.orgs.choices import TOWNSHIP_KINDS, VILLAGE_KINDS, OrgKind
from rencai.orgs.models import OrgUnit
from rencai.people.choices import PersonStatus
from rencai.people.models import Person
from rencai.training import actions
from rencai.training.choices import (
    ArtKind,
    BaseStatus,
    EntityKind,
    MembershipStatus,
    MentorshipStatus,
    OutcomeKind,
)
from rencai.training.figures import Progress
from rencai.training.models import (
    ArtTeam,
    Attendance,
    Entity,
    Inspection,
    Livestock,
    Mentorship,
    Outcome,
    Performance,
    Pool,
    PoolMembership,
    RectificationItem,
    TrainingBase,
    TrainingCategory,
    TrainingProgram,
    TrainingTarget,
)

# The full demo (5,000 Persons) gets this many programs; a smaller register proportionally fewer.
PROGRAMS = 300
PREVIOUS_YEAR_PROGRAMS = 40
FULL_SCALE_PERSONS = 4600  # active Persons of the default demo
MIN_PERSONS = 50  # fewer active Persons than this: no training to speak of
MAX_LOADED = 60_000  # a register larger than this is sampled (the 1M benchmark county)

# How the county's programs spread over the seeded categories (篇三: mostly 种养殖).
CATEGORY_WEIGHTS = {
    "种养殖技术": 36,
    "高素质农民": 12,
    "其他技术": 12,
    "干部轮训": 10,
    "乡村工匠": 8,
    "文艺传承": 8,
    "校地联姻": 7,
    "社会工作": 7,
}
# Who organises them: weights of (county level, township or street, village or community).
LEVEL_WEIGHTS = {
    "种养殖技术": (15, 55, 30),
    "高素质农民": (70, 30, 0),
    "其他技术": (30, 55, 15),
    "干部轮训": (60, 40, 0),
    "乡村工匠": (25, 60, 15),
    "文艺传承": (20, 50, 30),
    "校地联姻": (50, 50, 0),
    "社会工作": (30, 50, 20),
}
DEFAULT_LEVELS = (30, 50, 20)
# The county-level organisers of a category (departments and institutions of the demo tree).
COUNTY_ORGANISERS = {
    "种养殖技术": ["县农业农村局", "示范县农业技术推广中心"],
    "高素质农民": ["县农业农村局"],
    "其他技术": ["县人力资源和社会保障局"],
    "干部轮训": ["县委组织部", "县委党校"],
    "乡村工匠": ["县人力资源和社会保障局"],
    "文艺传承": ["县文化旅游广电体育局"],
    "校地联姻": ["县委组织部", "县科学技术局"],
    "社会工作": ["县民政局"],
}
TITLES = {
    "种养殖技术": [
        "肉牛养殖技术培训班",
        "黄牛品种改良技术培训",
        "山羊养殖技术培训",
        "生猪养殖与疫病防控培训",
        "中蜂养殖技术培训",
        "稻田综合种养技术培训",
        "柑橘栽培管理技术培训",
        "油茶低产林改造技术培训",
        "茶叶种植与加工技术培训",
        "猕猴桃栽培技术培训",
        "中药材种植技术培训",
        "蔬菜标准化种植培训",
    ],
    "高素质农民": [
        "高素质农民培育班（种养加）",
        "高素质农民经营管理培训班",
        "高素质农民产业发展带头人培训",
    ],
    "其他技术": [
        "农村电子商务培训班",
        "家政服务技能培训",
        "电工技能培训",
        "挖掘机操作技能培训",
        "养老护理员培训",
        "农村实用电脑技能培训",
    ],
    "干部轮训": [
        "村（社区）干部轮训班",
        "后备干部培训班",
        "村务监督委员会主任培训",
        "基层党组织书记示范培训",
    ],
    "乡村工匠": ["竹编技艺培训", "木工技艺培训", "苗绣技艺培训", "石雕技艺培训", "土家织锦培训"],
    "文艺传承": ["辰河高腔传习班", "花灯戏培训班", "苗歌传唱培训", "阳戏传习班", "摆手舞培训"],
    "校地联姻": ["校地合作专家进村指导", "农业院校技术下乡培训", "校地联姻产业发展讲座"],
    "社会工作": ["社会工作实务培训", "社工站人员能力提升培训", "儿童督导员业务培训"],
}
OTHER_TITLES = ["专题培训", "业务培训班"]
TEACHERS = {
    "养殖": [
        ("县畜牧水产事务中心", "高级畜牧师"),
        ("县畜牧水产事务中心", "兽医师"),
        ("", "土专家"),
    ],
    "种植": [
        ("县农业技术推广中心", "高级农艺师"),
        ("县农业技术推广中心", "农艺师"),
        ("", "田秀才"),
    ],
    "高素质农民": [("湖南农业大学", "教授"), ("县农业农村局", "高级农艺师")],
    "其他技术": [("县职业中专", "高级讲师"), ("县职业中专", "技师")],
    "干部轮训": [("县委党校", "讲师"), ("县委党校", "副教授"), ("县委组织部", "科长")],
    "乡村工匠": [("", "省级非遗传承人"), ("", "高级技师")],
    "文艺传承": [("县非遗保护中心", "国家二级演员"), ("", "市级非遗传承人")],
    "校地联姻": [("湖南农业大学", "教授"), ("吉首大学", "副教授"), ("怀化职业技术学院", "讲师")],
    "社会工作": [("示范县阳光社会工作服务中心", "中级社工师"), ("县民政局", "科长")],
}
SUBSIDIES = {
    "种养殖技术": [60, 80, 100, 120],
    "高素质农民": [150, 200, 300],
    "其他技术": [80, 100, 150],
    "干部轮训": [None, None, 50],
    "乡村工匠": [100, 120, 150],
    "文艺传承": [50, 80, None],
    "校地联姻": [None, 50, 80],
    "社会工作": [60, 80, None],
}
FUNDING = {
    "种养殖技术": ["县人才发展专项资金", "乡村振兴衔接资金", "县农业农村局项目资金"],
    "高素质农民": ["中央高素质农民培育资金", "县农业农村局项目资金"],
    "其他技术": ["职业技能提升行动资金", "县人才发展专项资金"],
    "干部轮训": ["县委组织部党建经费", "乡镇自筹"],
    "乡村工匠": ["县人才发展专项资金", "职业技能提升行动资金"],
    "文艺传承": ["非遗保护专项资金", "县文旅局项目资金"],
    "校地联姻": ["县人才发展专项资金", "校地合作经费"],
    "社会工作": ["民政社工站建设资金", "县人才发展专项资金"],
}
VILLAGE_PLACES = ["村民委员会", "党群服务中心", "新时代文明实践站"]
# (first, last) attendees of a program by organiser level, before capping to who lives there.
CLASS_SIZES = {"county": (35, 100), "township": (22, 58), "village": (10, 30)}

# Land (亩) and investment (万元) of a base of each kind, (first, last).
BASE_SIZES = {
    "养殖场": ((20, 200), (100, 1500)),
    "种植基地": ((100, 1500), (50, 800)),
    "加工车间": ((5, 40), (50, 600)),
}
# What a farm is named after, and its 存栏 row as reports write it (牛 100 头, 家禽 500 羽).
ANIMALS = [
    ("肉牛", "牛", "头", 30, 300),
    ("山羊", "羊", "只", 100, 600),
    ("生猪", "猪", "头", 200, 2000),
    ("土鸡", "家禽", "羽", 1000, 10000),
    ("中蜂", "中蜂", "箱", 50, 400),
]
CROPS = ["柑橘", "油茶", "茶叶", "猕猴桃", "中药材", "蔬菜", "黄桃"]
PRODUCTS = ["茶叶", "腊肉", "油茶", "竹木", "辣椒", "米粉"]
FINDINGS = [
    "实训台账登记不全，部分学员签到表缺少身份证号",
    "实训场地安全警示标识不足",
    "实训课程与产业需求衔接不够紧密",
    "补贴资金发放凭证不完整",
    "学员跟踪服务记录缺失",
    "实训设备老化，部分无法正常使用",
    "基地管理制度未上墙",
]
RECTIFICATIONS = [
    "补齐培训签到表和学员身份信息",
    "增设安全警示标识并组织安全培训",
    "修订实训课程计划，增加现场实操课时",
    "补齐补贴发放凭证并公示",
    "建立学员跟踪服务台账",
    "维修或更换实训设备",
    "完善基地管理制度并上墙公示",
]
INSPECTORS = [
    "县人才办 刘主任、县农业农村局 周科长",
    "县委组织部 陈部长、县人才办 刘主任",
    "县人社局 杨股长、县人才办 吴干事",
    "县农业农村局 周科长、县农技中心 向站长",
]
OUTCOME_PLAN = [
    # kind, programs' categories it comes from, how many at full scale, notes
    (
        OutcomeKind.SCALE_FARM,
        ("种养殖技术", "高素质农民"),
        25,
        ["肉牛存栏 30 头", "生猪年出栏 500 头", "山羊存栏 200 只", "土鸡存栏 3000 羽"],
    ),
    (
        OutcomeKind.SKILLED_WORK,
        ("其他技术", "乡村工匠"),
        70,
        ["县工业园务工", "在长沙从事电工", "在广东从事家政服务", "本地从事竹编加工"],
    ),
    (OutcomeKind.NEW_FARMER, ("高素质农民", "种养殖技术"), 40, [""]),
    (
        OutcomeKind.STARTUP,
        ("其他技术", "种养殖技术", "高素质农民", "校地联姻"),
        20,
        ["开办农村电商网店", "开办农家乐", "开办农资店", "开办特色农产品加工坊"],
    ),
    (OutcomeKind.OTHER, (), 12, ["担任村级农技员", "被评为县级乡土人才", "担任村级社工站人员"]),
]
FARMER_GRADES = ["初级", "初级", "中级", "中级", "高级"]
FARMING = ["肉牛养殖", "生猪养殖", "山羊养殖", "土鸡养殖", "柑橘种植", "油茶种植", "茶叶种植"]
FARMING += ["中药材种植", "蔬菜种植", "猕猴桃种植"]
# Industry of an enterprise → what its name says it does.
BUSINESSES = {
    "农产品加工": "农产品开发",
    "茶叶加工": "茶业",
    "乡村旅游": "文化旅游开发",
    "竹木加工": "竹木制品",
    "农村电商": "电子商务",
    "肉牛养殖": "生态牧业",
}
STARTUPS = {"农村电商": "电商服务店", "乡村旅游": "农家乐", "农资销售": "农资店"}
STARTUPS["农产品加工"] = "加工坊"
ENTITY_PLAN = [
    # kind, how many at full scale, jobs driven (first, last), industries
    (EntityKind.FAMILY_FARM, 35, (2, 12), FARMING),
    (EntityKind.COOPERATIVE, 25, (10, 120), FARMING),
    (EntityKind.ENTERPRISE, 8, (20, 300), list(BUSINESSES)),
    (EntityKind.STARTUP, 20, (1, 15), list(STARTUPS)),
]
CRAFTS = ["竹编", "木雕", "苗绣", "银饰锻制", "辰河高腔", "花灯戏", "土家织锦", "肉牛养殖"]
CRAFTS += ["柑橘嫁接", "石雕"]
GRADUATED = [
    "已出师，独立承接订单",
    "已出师，带徒 2 人",
    "作品获市级比赛三等奖",
    "已出师，开办工作室",
]
ENDED = ["徒弟外出务工，终止", "师傅年老体弱，终止", "徒弟转行，终止"]
TEAM_NAMES = {
    ArtKind.OPERA: ["辰河高腔剧团", "花灯戏队", "阳戏班", "傩戏队"],
    ArtKind.FOLK: ["苗歌队", "龙狮队", "三棒鼓队", "腰鼓队", "摆手舞队", "山歌队"],
}
PROGRAMMES = [
    ("百座戏台千场戏", 40),
    ("文艺三下乡", 25),
    ("送戏下乡", 15),
    ("村晚", 10),
    ("非遗展演", 10),
]
EXIT_REASONS = ["已提拔为村（社区）干部", "外出务工", "年龄超过储备条件", "本人申请退出"]


@dataclass(frozen=True, slots=True)
class Trainee:
    pk: int
    name: str
    home: int  # the home unit's pk
    birth: date
    party: bool


@dataclass
class Program:
    obj: TrainingProgram
    category: str
    people: list[int] = field(default_factory=list)  # indexes into the people list


class _Writer(BulkWriter):
    """BulkWriter whose change entries name each row as its `str()` would."""

    def __init__(self, model: type, label: Callable[[Values], str]) -> None:
        super().__init__(model)
        self._label = label

    def label(self, values: Values) -> str:
        return self._label(values)


class TrainingYear:
    """The generator: one instance, one run (`add`)."""

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
            for unit in self._chain(person.home):
                self.living[unit].append(i)
        self.villages = [
            v for t in self.townships for v in self.children[t.pk] if v.kind in VILLAGE_KINDS
        ]

    # -- helpers ---------------------------------------------------------------------------

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

    def _chain(self, unit_id: int) -> list[int]:
        """The unit and its ancestors up to the county."""
        out = []
        while unit_id is not None and unit_id in self.units:
            out.append(unit_id)
            unit_id = self.units[unit_id].parent_id
        return out

    def _n(self, full: int, least: int = 1) -> int:
        return max(least, round(full * self.scale))

    def _day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def _age(self, person: Trainee) -> int:
        return (self.today - person.birth).days // 365

    def _stem(self, unit: OrgUnit) -> str:
        for suffix in ("社区", "街道", "村", "镇", "乡"):
            if unit.name.endswith(suffix) and len(unit.name) > len(suffix) + 1:
                return unit.name[: -len(suffix)]
        return unit.name

    def _village_of(self, person: Trainee) -> OrgUnit:
        unit = self.units[person.home]
        return self.units[unit.parent_id] if unit.kind == OrgKind.VILLAGER_GROUP else unit

    def _township_of(self, unit_id: int) -> OrgUnit:
        chain = self._chain(unit_id)
        return self.units[chain[-2]] if len(chain) > 1 else self.county

    def _teacher(self, category: str) -> str:
        affiliation, title = self.rng.choice(TEACHERS.get(category, [("", "讲师")]))
        given = "".join(self.rng.choice(c.GIVEN_CHARS) for _ in range(self.rng.choice((1, 2))))
        return f"{self.rng.choice(c.SURNAMES)}{given}（{affiliation}{title}）"

    def _pick(self, pool: Sequence[int], k: int) -> list[int]:
        return self.rng.sample(pool, min(k, len(pool)))

    # -- the run ---------------------------------------------------------------------------

    def add(self) -> dict[str, int]:
        bases = self.add_bases()
        self.add_inspections(bases)
        programs = self.add_programs(bases)
        self.add_attendances(programs)
        self.add_targets(programs)
        outcomes = self.add_outcomes(programs)
        self.add_entities(outcomes)
        self.add_mentorships()
        self.add_art()
        self.add_pools()
        return self.counts

    def add_bases(self) -> list[TrainingBase]:
        """2–3 bases in each of several townships (in their villages), and the county's two
        named farms (大坪子养殖场, 明远养殖场) as bases of their own units."""
        rng, bases = self.rng, []
        farming = [t for t in self.townships if t.kind == OrgKind.TOWNSHIP] or self.townships
        chosen = rng.sample(farming, min(len(farming), self._n(6, 2)))
        places = []
        for town in sorted(chosen, key=lambda u: u.name_path):
            villages = [v for v in self.children[town.pk] if v.kind in VILLAGE_KINDS] or [town]
            places += [rng.choice(villages) for _ in range(rng.randint(2, 3))]
        farms = [self.by_name[n] for n in ("大坪子养殖场", "明远养殖场") if n in self.by_name]
        for org in [*farms, *places]:
            kind = rng.choices(["养殖场", "种植基地", "加工车间"], [45, 35, 20])[0]
            animal, crop, product = rng.choice(ANIMALS[:4]), rng.choice(CROPS), rng.choice(PRODUCTS)
            what = {"养殖场": animal[0], "种植基地": crop, "加工车间": product}[kind]
            name = f"{self._stem(org)}{what}{kind}"
            if org in farms:
                kind, name = "养殖场", org.name
            if TrainingBase.objects.filter(org=org, name=name).exists():
                continue
            land, invest = BASE_SIZES[kind]
            base = TrainingBase.objects.create(
                name=name,
                org=org,
                kind=kind,
                land_area_mu=Decimal(rng.randint(land[0] * 10, land[1] * 10)) / 10,
                building_area_mu=Decimal(rng.randint(5, 200)) / 10,
                investment_wan=Decimal(rng.randint(*invest)),
                status=rng.choices(BaseStatus.values, [90, 6, 4])[0],
                notes=f"县级人才实训基地，{rng.randint(2016, self.year - 1)}年挂牌",
            )
            bases.append(base)
            kept = []
            if kind == "养殖场":  # the animal it is named after, and perhaps one or two more
                others = [a for a in ANIMALS if a != animal]
                kept = [animal, *rng.sample(others, rng.choice((0, 0, 1, 2)))]
            elif kind == "种植基地" and rng.random() < 0.3:
                kept = ANIMALS[-1:]  # 中蜂 among the orchards
            for _named, kind_, unit, low, high in kept:
                Livestock.objects.create(
                    base=base, kind=kind_, unit=unit, count=rng.randint(low, high)
                )
                self._count("livestock")
        self.counts["bases"] = len(bases)
        return bases

    def _count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def add_inspections(self, bases: list[TrainingBase]) -> None:
        """督导检查 of bases and townships: the older ones' items done, two overdue, the latest
        ones' still open within their time."""
        rng, today = self.rng, self.today
        targets: list[tuple[OrgUnit, TrainingBase | None]] = [
            (b.org, b) for b in rng.sample(bases, min(len(bases), self._n(6, 2)))
        ]
        targets += [(t, None) for t in rng.sample(self.townships, min(2, len(self.townships)))]
        rng.shuffle(targets)
        # Days ago, oldest first: the latest two are recent (their items still open in time),
        # the second-oldest left two items overdue.
        ago = sorted(rng.sample(range(20, 300), len(targets)), reverse=True)
        ago[-1], ago[-2] = 12, 25
        if len(ago) > 2:
            ago[1] = max(ago[1], 100)
        for i, ((org, base), days) in enumerate(zip(targets, ago, strict=True)):
            day = today - timedelta(days=days)
            picks = rng.sample(range(len(FINDINGS)), rng.randint(2 if i == 1 else 1, 3))
            inspection = Inspection.objects.create(
                org=org,
                base=base,
                date=day,
                inspectors=rng.choice(INSPECTORS),
                findings="；".join(FINDINGS[p] for p in picks) + "。",
            )
            self._count("inspections")
            for j, p in enumerate(picks):
                due = day + timedelta(days=rng.choice((30, 45, 60)))
                if i == 1 and len(targets) > 2 and j < 2:
                    due = min(due, today - timedelta(days=10 + j * 7))  # overdue, not done
                    done = None
                elif due >= today:
                    done = None if rng.random() < 0.7 else self._day(day, today)
                else:
                    done = self._day(day + timedelta(days=5), due)
                RectificationItem.objects.create(
                    inspection=inspection,
                    description=RECTIFICATIONS[p],
                    owner=f"{rng.choice(c.SURNAMES)}{rng.choice(c.GIVEN_CHARS)}"
                    f"{rng.choice(c.GIVEN_CHARS)}",
                    due_on=due,
                    done_on=done,
                )
                self._count("rectification_items")

    # -- programs and the ledger -----------------------------------------------------------

    def add_programs(self, bases: list[TrainingBase]) -> list[Program]:
        """About 300 programs that ended this year (none after today), some of last year."""
        names = list(self.categories)
        weights = [CATEGORY_WEIGHTS.get(n, 4) for n in names]
        this_year = (date(self.year, 1, 1), self.today)
        last_year = (date(self.year - 1, 1, 1), date(self.year - 1, 12, 31))
        plan = [this_year] * self._n(PROGRAMS, 20) + [last_year] * self._n(
            PREVIOUS_YEAR_PROGRAMS, 3
        )
        # Every category at least once this year, the rest by weight.
        categories = names + self.rng.choices(names, weights, k=len(plan) - len(names))
        programs, seen = [], Counter()
        bases_in: dict[int, list[TrainingBase]] = defaultdict(list)
        for base in bases:
            bases_in[self._township_of(base.org_id).pk].append(base)
        for (first, last), category in zip(plan, categories, strict=False):
            program = self._program(category, first, last, bases, bases_in, seen)
            programs.append(program)
        self.counts["programs"] = len(programs)
        self.counts["programs_this_year"] = sum(p.obj.end_date.year == self.year for p in programs)
        return programs

    def _organiser(self, category: str) -> tuple[str, OrgUnit]:
        rng = self.rng
        levels = LEVEL_WEIGHTS.get(category, DEFAULT_LEVELS)
        level = rng.choices(("county", "township", "village"), levels)[0]
        if level == "village" and self.villages:
            weights = [len(self.living[v.pk]) + 1 for v in self.villages]
            return level, rng.choices(self.villages, weights)[0]
        if level in ("township", "village") and self.townships:
            weights = [len(self.living[t.pk]) + 1 for t in self.townships]
            if category == "社会工作":  # streets' communities have the social workers
                weights = [
                    w * (3 if t.kind == OrgKind.STREET else 1)
                    for w, t in zip(weights, self.townships, strict=True)
                ]
            return "township", rng.choices(self.townships, weights)[0]
        names = [n for n in COUNTY_ORGANISERS.get(category, []) if n in self.by_name]
        if names and rng.random() < 0.75:
            return "county", self.by_name[rng.choice(names)]
        return "county", self.county

    def _program(self, category, first, last, bases, bases_in, seen) -> Program:
        rng = self.rng
        level, organiser = self._organiser(category)
        days = rng.choice((1, 1, 2, 2, 3, 3, 5, 7)) if category != "干部轮训" else rng.randint(3, 5)
        end = self._day(first, last)
        start = max(first, end - timedelta(days=days - 1))
        title = rng.choice(TITLES.get(category, [category + t for t in OTHER_TITLES]))
        base = None
        kinds = self._base_kinds(category, title)
        if kinds and rng.random() < 0.5:
            near = bases_in.get(self._township_of(organiser.pk).pk) if level != "county" else bases
            near = [b for b in near or [] if b.kind in kinds]
            base = rng.choice(near) if near else None
        if base is not None:
            location = base.name
        elif organiser.kind in (OrgKind.DEPARTMENT, OrgKind.INSTITUTION):
            location = organiser.name + rng.choice(["会议室", "培训室"])
        elif level == "county":
            location = rng.choice(["县委党校报告厅", "县人才服务中心", "县职业中专实训楼"])
        elif level == "township":
            location = organiser.name + rng.choice(["党群服务中心", "农业综合服务站", "文化站"])
        else:
            location = organiser.name + rng.choice(VILLAGE_PLACES)
        name = f"{end.year}年{'' if organiser == self.county else organiser.name}{title}"
        seen[name] += 1
        if seen[name] > 1:
            name += f"（第{seen[name]}期）"
        subsidy = rng.choice(SUBSIDIES.get(category, [None, 50, 100]))
        teaching = category
        if category == "种养殖技术":
            teaching = "养殖" if kinds == ("养殖场",) else "种植"
        teachers = "、".join(
            sorted({self._teacher(teaching) for _ in range(rng.choice((1, 1, 2)))})
        )
        obj = TrainingProgram.objects.create(
            name=name,
            category=self.categories[category],
            organiser=organiser,
            base=base,
            start_date=start,
            end_date=end,
            hours=Decimal((end - start).days + 1) * rng.choice((4, 6, 8)),
            teachers=teachers,
            location=location,
            subsidy_per_attendance=Decimal(subsidy) if subsidy is not None else None,
            funding_source=rng.choice(FUNDING.get(category, ["县人才发展专项资金"])),
        )
        program = Program(obj, category)
        program.people = self._attendees(category, level, organiser)
        return program

    @staticmethod
    def _base_kinds(category: str, title: str) -> tuple[str, ...]:
        """The kinds of base a program of this category and title can be held at."""
        if category == "种养殖技术":
            animal = any(ch in title for ch in "牛羊猪蜂鸡鸭")
            return ("养殖场",) if animal else ("种植基地",)
        if category == "高素质农民":
            return ("养殖场", "种植基地", "加工车间")
        if category == "乡村工匠":
            return ("加工车间",)
        return ()

    def _attendees(self, category: str, level: str, organiser: OrgUnit) -> list[int]:
        """People mostly from the organiser's subtree (the county's: anyone), a few from
        other townships; cadre training takes party members under 56."""
        rng = self.rng
        pool = self.living[self.county.pk if level == "county" else organiser.pk]
        if category == "干部轮训":
            pool = [i for i in pool if self.people[i].party and self._age(self.people[i]) < 56]
        low, high = CLASS_SIZES[level]
        size = min(rng.randint(low, high), int(len(pool) * 0.85) + 1)
        chosen = set(self._pick(pool, size))
        if level != "county":
            outsiders = round(size * rng.uniform(0, 0.06))
            chosen.update(self._pick(self.living[self.county.pk], outsiders))
        return sorted(chosen)

    def add_attendances(self, programs: list[Program]) -> None:
        rows, labels = [], {}
        for program in programs:
            prefix = f"{program.obj} · "
            for i in program.people:
                person = self.people[i]
                rows.append({"program_id": program.obj.pk, "person_id": person.pk})
                labels[program.obj.pk, person.pk] = prefix + person.name
        writer = _Writer(Attendance, lambda v: labels[v["program_id"], v["person_id"]])
        writer.create(rows)
        self.counts["attendances"] = len(rows)

    # -- targets ---------------------------------------------------------------------------

    def add_targets(self, programs: list[Program]) -> None:
        """The year's targets, decomposed county → township/street → village/community →
        villager group, chosen so some units are ahead of the year gone by and some behind;
        two townships' villages do not add up. Two categories have targets of their own."""
        rng = self.rng
        share = float(Progress(self.county, self.year, None, 0, self.today).expected_percent) / 100
        share = max(share, 0.05)
        achieved: dict[str | None, Counter] = defaultdict(Counter)  # category → unit → 人次
        for program in programs:
            if program.obj.end_date.year != self.year:
                continue
            for i in program.people:
                for unit in self._chain(self.people[i].home):
                    achieved[None][unit] += 1
                    achieved[program.category][unit] += 1
        # Behind (factor < 1) or ahead (> 1) of the share of the year, per township.
        order = rng.sample(self.townships, len(self.townships))
        pace = {t.pk: rng.uniform(0.65, 0.92) for t in order[: max(1, len(order) * 2 // 5)]}
        pace.update({t.pk: rng.uniform(1.08, 1.35) for t in order if t.pk not in pace})
        split = [t for t in order if len(self.children[t.pk]) > 1]
        uneven = {t.pk for t in split[:2]}
        rows: list[Values] = []
        for category, step, least in ((None, 10, 20), ("种养殖技术", 5, 5), ("其他技术", 5, 5)):
            if category is not None and category not in self.categories:
                continue
            cat = self.categories[category] if category else None
            got = achieved[category]
            county_total = 0
            for town in self.townships:
                town_total = 0
                for village in self.children[town.pk]:
                    if village.kind not in VILLAGE_KINDS:
                        continue
                    pace_v = pace[town.pk] * rng.uniform(0.75, 1.3)
                    n = max(least, round(got[village.pk] / (share * pace_v) / step) * step)
                    rows += self._target_rows(village, cat, n, got)
                    town_total += n
                if category is None and town.pk in uneven:
                    town_total = (town_total // 100 + 1) * 100 + 100 * rng.randint(0, 3)
                rows.append(self._target(town, cat, town_total))
                county_total += town_total
            rows.append(self._target(self.county, cat, county_total))
        names = {pk: u.name for pk, u in self.units.items()}
        cats = {cat.pk: cat.name for cat in self.categories.values()}

        def label(v: Values) -> str:
            what = cats[v["category_id"]] if v["category_id"] else "全部类别"
            return f"{v['year']} {names[v['org_id']]} {what} {v['attendances']} 人次"

        _Writer(TrainingTarget, label).create(rows)
        self.counts["targets"] = len(rows)

    def _target(self, unit: OrgUnit, category, n: int) -> Values:
        return {
            "year": self.year,
            "org_id": unit.pk,
            "category_id": category.pk if category else None,
            "attendances": n,
        }

    def _target_rows(self, village: OrgUnit, category, n: int, got: Counter) -> list[Values]:
        """The village's target and, when it has villager groups, its split among them in
        proportion to their 人次 (adding up exactly)."""
        rows = [self._target(village, category, n)]
        groups = [g for g in self.children[village.pk] if g.kind == OrgKind.VILLAGER_GROUP]
        if groups:
            weights = [got[g.pk] + 1 for g in groups]
            parts = [n * w // sum(weights) for w in weights]
            parts[-1] += n - sum(parts)
            rows += [self._target(g, category, part) for g, part in zip(groups, parts, strict=True)]
        return rows

    # -- what came of it -------------------------------------------------------------------

    def add_outcomes(self, programs: list[Program]) -> dict[str, list[tuple[Trainee, Outcome]]]:
        """培训成效 of trainees, each linked to the program they came from and dated after it;
        a 新型职业农民 through actions.record_outcome (which adds the Qualification)."""
        rng = self.rng
        plan: list[tuple[str, Program, int, str]] = []
        for kind, categories, full, notes in OUTCOME_PLAN:
            source = [p for p in programs if p.category in categories and p.people]
            source = source or [p for p in programs if p.people]
            taken: set[int] = set()
            for _ in range(self._n(full) if source else 0):
                program = rng.choice(source)
                i = rng.choice(program.people)
                if i not in taken:
                    taken.add(i)
                    plan.append((kind, program, i, rng.choice(notes)))
        persons = Person.objects.in_bulk([self.people[i].pk for _k, _p, i, _n in plan])
        out: dict[str, list[tuple[Trainee, Outcome]]] = defaultdict(list)
        for kind, program, i, notes in plan:
            end = program.obj.end_date
            last = min(self.today, end + timedelta(days=150))
            outcome = actions.record_outcome(
                persons[self.people[i].pk],
                kind,
                self._day(min(end + timedelta(days=15), last), last),
                program=program.obj,
                grade=rng.choice(FARMER_GRADES) if kind == OutcomeKind.NEW_FARMER else "",
                notes=notes,
            )
            out[kind].append((self.people[i], outcome))
        self.counts["outcomes"] = len(plan)
        return out

    def add_entities(self, outcomes: dict[str, list[tuple[Trainee, Outcome]]]) -> None:
        """经营主体 led by Persons: the scale farms and startups the outcomes speak of, and more
        founded over the past years."""
        rng = self.rng
        founders = {
            EntityKind.FAMILY_FARM: outcomes.get(OutcomeKind.SCALE_FARM, []),
            EntityKind.STARTUP: outcomes.get(OutcomeKind.STARTUP, []),
        }
        everyone = self.living[self.county.pk]
        for kind, full, (low, high), industries in ENTITY_PLAN:
            leaders = [(p, o.date) for p, o in founders.get(kind, [])]
            more = self._n(full) - len(leaders)
            for i in self._pick(everyone, max(0, more)):
                leaders.append((self.people[i], self._day(date(2013, 1, 1), self.today)))
            for person, founded in leaders:
                industry = rng.choice(industries)
                village = self._village_of(person)
                Entity.objects.create(
                    name=self._entity_name(kind, person, village, industry),
                    kind=kind,
                    org=village,
                    leader_id=person.pk,
                    founded_on=founded,
                    industry=industry,
                    jobs_driven=rng.randint(low, high),
                )
            self._count("entities", len(leaders))

    def _entity_name(self, kind: str, person: Trainee, village: OrgUnit, industry: str) -> str:
        stem = self._stem(village)
        if kind == EntityKind.FAMILY_FARM:
            return f"{c.COUNTY_NAME}{person.name}家庭农场"
        if kind == EntityKind.COOPERATIVE:
            return f"{c.COUNTY_NAME}{stem}{industry}专业合作社"
        if kind == EntityKind.ENTERPRISE:
            return f"{c.COUNTY_NAME}{stem}{BUSINESSES[industry]}有限公司"
        return f"{stem}{person.name}{STARTUPS[industry]}"

    def add_mentorships(self) -> None:
        """名师带徒: an older master and a younger apprentice of the same township; some still
        under way, some finished with a result."""
        rng, today = self.rng, self.today
        made = 0
        masters = [i for i in self.living[self.county.pk] if 40 <= self._age(self.people[i]) <= 68]
        for m in self._pick(masters, self._n(30, 3)):
            master = self.people[m]
            town = self._township_of(master.home)
            young = [i for i in self.living[town.pk] if self._age(self.people[i]) < 40 and i != m]
            if not young:
                continue
            status = rng.choices(MentorshipStatus.values, [40, 45, 15])[0]
            if status == MentorshipStatus.ONGOING:
                start, end, result = self._day(today - timedelta(days=540), today), None, ""
            else:
                start = self._day(today - timedelta(days=1100), today - timedelta(days=400))
                end = self._day(start + timedelta(days=180), today)
                result = rng.choice(GRADUATED if status == MentorshipStatus.GRADUATED else ENDED)
            Mentorship.objects.create(
                master_id=master.pk,
                apprentice_id=self.people[rng.choice(young)].pk,
                craft=rng.choice(CRAFTS),
                start_date=start,
                end_date=end,
                status=status,
                result=result,
            )
            made += 1
        self.counts["mentorships"] = made

    def add_art(self) -> None:
        """戏曲 and 民间文艺 teams of 5–15 members, and their performances in villages this year
        (百座戏台千场戏, 文艺三下乡 …) with their audiences."""
        rng, teams = self.rng, []
        more = rng.choices([ArtKind.OPERA, ArtKind.FOLK], [3, 5], k=self._n(8, 2) - 2)
        kinds = [ArtKind.OPERA, ArtKind.FOLK, *more]
        used = set()
        for kind in kinds:
            org = rng.choice(self.villages if rng.random() < 0.5 else self.townships)
            name = f"{self._stem(org)}{rng.choice(TEAM_NAMES[kind])}"
            if name in used:
                continue
            used.add(name)
            team = ArtTeam.objects.create(name=name, kind=kind, org=org)
            pool = self.living[org.pk]
            if len(pool) < 5:
                pool = self.living[self._township_of(org.pk).pk]
            team.members.set([self.people[i].pk for i in self._pick(pool, rng.randint(5, 15))])
            teams.append(team)
        self.counts["art_teams"] = len(teams)
        programmes, weights = zip(*PROGRAMMES, strict=True)
        shows = 0
        for _ in range(self._n(60, 4) if teams else 0):
            team = rng.choice(teams)
            town = self._township_of(team.org_id)
            home = [v for v in self.children[town.pk] if v.kind in VILLAGE_KINDS]
            village = rng.choice(home if home and rng.random() < 0.7 else self.villages)
            Performance.objects.create(
                team=team,
                date=self._day(date(self.year, 1, 1), self.today),
                village=village,
                programme=rng.choices(programmes, weights)[0],
                audience=rng.randint(8, 150) * 10,
            )
            shows += 1
        self.counts["performances"] = shows

    def add_pools(self) -> None:
        """Persons in each seeded reserve pool (后备干部: younger, mostly party members); some
        have left it, with the reason."""
        rng, today, made = self.rng, self.today, 0
        everyone = self.living[self.county.pk]
        for pool in Pool.objects.filter(is_active=True):
            candidates = everyone
            if pool.name == "后备干部":
                candidates = [
                    i
                    for i in everyone
                    if 22 <= self._age(self.people[i]) <= 40
                    and (self.people[i].party or rng.random() < 0.2)
                ]
            for i in self._pick(candidates, self._n(40, 5)):
                entered = self._day(today - timedelta(days=900), today - timedelta(days=20))
                exited = (today - entered).days > 90 and rng.random() < 0.15
                PoolMembership.objects.create(
                    pool=pool,
                    person_id=self.people[i].pk,
                    entered_on=entered,
                    status=MembershipStatus.EXITED if exited else MembershipStatus.ACTIVE,
                    exited_on=self._day(entered + timedelta(days=60), today) if exited else None,
                    exit_reason=rng.choice(EXIT_REASONS) if exited else "",
                )
                made += 1
        self.counts["pool_memberships"] = made


def has_training(county: OrgUnit) -> bool:
    """Whether the county already has training programs (then the demo adds none)."""
    return TrainingProgram.objects.filter(organiser__path__startswith=county.path).exists()


def add_training(county: OrgUnit, *, seed: int = 2026, today: date | None = None) -> dict[str, Any]:
    """Add a year of training to the demo county, once: {} when it already has programs or
    too few people to train; otherwise what was added ({"programs": 340, …})."""
    if has_training(county):
        return {}
    year = TrainingYear(county, seed=seed, today=today or timezone.localdate())
    if len(year.people) < MIN_PERSONS:
        return {}
    with transaction.atomic():
        batch = record_event(AuditAction.BULK, detail={"what": "示范数据：生成培训"})
        with acting_as(None, username="system:demo", batch=batch):
            return year.add()


def summary(counts: dict[str, Any]) -> str:
    """One line for the command's output."""
    if not counts:
        return f"培训数据：未新增（已有培训记录，或在册人员不足 {MIN_PERSONS} 人）"
    parts = [
        ("bases", "个实训基地"),
        ("inspections", "次督导检查"),
        ("programs", "个培训班次"),
        ("attendances", "人次培训台账"),
        ("targets", "条培训目标"),
        ("outcomes", "项培训成效"),
        ("entities", "个经营主体"),
        ("mentorships", "对名师带徒"),
        ("art_teams", "个文艺团队"),
        ("performances", "场演出"),
        ("pool_memberships", "人次入库储备"),
    ]
    return "培训数据：新增 " + "、".join(f"{counts.get(k, 0)} {w}" for k, w in parts)
