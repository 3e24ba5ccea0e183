"""培训班次 of the demo year (and some of the year before): their categories, organisers at
every level, places, teachers, subsidies — and who attends each (`Program.people`, written to the
ledger by attendances.py)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from rencai.demo import county as c
from rencai.demo.training.year import TrainingYear
from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit
from rencai.training.models import TrainingBase, TrainingProgram

# The full demo (5,000 Persons) gets this many programs; a smaller register proportionally fewer.
PROGRAMS = 300
PREVIOUS_YEAR_PROGRAMS = 40


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


@dataclass
class Program:
    obj: TrainingProgram
    category: str
    people: list[int] = field(default_factory=list)  # indexes into the people list


def add_programs(year: TrainingYear, bases: list[TrainingBase]) -> list[Program]:
    """About 300 programs that ended this year (none after today), some of last year."""
    names = list(year.categories)
    weights = [CATEGORY_WEIGHTS.get(n, 4) for n in names]
    this_year = (date(year.year, 1, 1), year.today)
    last_year = (date(year.year - 1, 1, 1), date(year.year - 1, 12, 31))
    plan = [this_year] * year.scaled(PROGRAMS, 20) + [last_year] * year.scaled(
        PREVIOUS_YEAR_PROGRAMS, 3
    )
    # Every category at least once this year, the rest by weight.
    categories = names + year.rng.choices(names, weights, k=len(plan) - len(names))
    programs, seen = [], Counter()
    bases_in: dict[int, list[TrainingBase]] = defaultdict(list)
    for base in bases:
        bases_in[year.township_of(base.org_id).pk].append(base)
    for (first, last), category in zip(plan, categories, strict=False):
        program = _program(year, category, first, last, bases, bases_in, seen)
        programs.append(program)
    year.counts["programs"] = len(programs)
    year.counts["programs_this_year"] = sum(p.obj.end_date.year == year.year for p in programs)
    return programs


def _organiser(year: TrainingYear, category: str) -> tuple[str, OrgUnit]:
    rng = year.rng
    levels = LEVEL_WEIGHTS.get(category, DEFAULT_LEVELS)
    level = rng.choices(("county", "township", "village"), levels)[0]
    if level == "village" and year.villages:
        weights = [len(year.living[v.pk]) + 1 for v in year.villages]
        return level, rng.choices(year.villages, weights)[0]
    if level in ("township", "village") and year.townships:
        weights = [len(year.living[t.pk]) + 1 for t in year.townships]
        if category == "社会工作":  # streets' communities have the social workers
            weights = [
                w * (3 if t.kind == OrgKind.STREET else 1)
                for w, t in zip(weights, year.townships, strict=True)
            ]
        return "township", rng.choices(year.townships, weights)[0]
    names = [n for n in COUNTY_ORGANISERS.get(category, []) if n in year.by_name]
    if names and rng.random() < 0.75:
        return "county", year.by_name[rng.choice(names)]
    return "county", year.county


def _program(year: TrainingYear, category, first, last, bases, bases_in, seen) -> Program:
    rng = year.rng
    level, organiser = _organiser(year, category)
    days = rng.choice((1, 1, 2, 2, 3, 3, 5, 7)) if category != "干部轮训" else rng.randint(3, 5)
    end = year.day(first, last)
    start = max(first, end - timedelta(days=days - 1))
    title = rng.choice(TITLES.get(category, [category + t for t in OTHER_TITLES]))
    base = None
    kinds = _base_kinds(category, title)
    if kinds and rng.random() < 0.5:
        near = bases_in.get(year.township_of(organiser.pk).pk) if level != "county" else bases
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
    name = f"{end.year}年{'' if organiser == year.county else organiser.name}{title}"
    seen[name] += 1
    if seen[name] > 1:
        name += f"（第{seen[name]}期）"
    subsidy = rng.choice(SUBSIDIES.get(category, [None, 50, 100]))
    teaching = category
    if category == "种养殖技术":
        teaching = "养殖" if kinds == ("养殖场",) else "种植"
    teachers = "、".join(sorted({_teacher(year, teaching) for _ in range(rng.choice((1, 1, 2)))}))
    obj = TrainingProgram.objects.create(
        name=name,
        category=year.categories[category],
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
    program.people = _attendees(year, category, level, organiser)
    return program


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


def _attendees(year: TrainingYear, category: str, level: str, organiser: OrgUnit) -> list[int]:
    """People mostly from the organiser's subtree (the county's: anyone), a few from
    other townships; cadre training takes party members under 56."""
    rng = year.rng
    pool = year.living[year.county.pk if level == "county" else organiser.pk]
    if category == "干部轮训":
        pool = [i for i in pool if year.people[i].party and year.age(year.people[i]) < 56]
    low, high = CLASS_SIZES[level]
    size = min(rng.randint(low, high), int(len(pool) * 0.85) + 1)
    chosen = set(year.pick(pool, size))
    if level != "county":
        outsiders = round(size * rng.uniform(0, 0.06))
        chosen.update(year.pick(year.living[year.county.pk], outsiders))
    return sorted(chosen)


def _teacher(year: TrainingYear, category: str) -> str:
    affiliation, title = year.rng.choice(TEACHERS.get(category, [("", "讲师")]))
    given = "".join(year.rng.choice(c.GIVEN_CHARS) for _ in range(year.rng.choice((1, 2))))
    return f"{year.rng.choice(c.SURNAMES)}{given}（{affiliation}{title}）"
