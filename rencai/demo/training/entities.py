"""经营主体 of the demo county: the farms and startups the outcomes speak of, and more founded
over the past years."""

from datetime import date

from rencai.demo import county as c
from rencai.demo.training.year import Trainee, TrainingYear
from rencai.orgs.models import OrgUnit
from rencai.training.choices import EntityKind, OutcomeKind
from rencai.training.models import Entity, Outcome

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


def add_entities(year: TrainingYear, outcomes: dict[str, list[tuple[Trainee, Outcome]]]) -> None:
    """经营主体 led by Persons: the scale farms and startups the outcomes speak of, and more
    founded over the past years."""
    rng = year.rng
    founders = {
        EntityKind.FAMILY_FARM: outcomes.get(OutcomeKind.SCALE_FARM, []),
        EntityKind.STARTUP: outcomes.get(OutcomeKind.STARTUP, []),
    }
    everyone = year.living[year.county.pk]
    for kind, full, (low, high), industries in ENTITY_PLAN:
        leaders = [(p, o.date) for p, o in founders.get(kind, [])]
        more = year.scaled(full) - len(leaders)
        for i in year.pick(everyone, max(0, more)):
            leaders.append((year.people[i], year.day(date(2013, 1, 1), year.today)))
        for person, founded in leaders:
            industry = rng.choice(industries)
            village = year.village_of(person)
            Entity.objects.create(
                name=_entity_name(year, kind, person, village, industry),
                kind=kind,
                org=village,
                leader_id=person.pk,
                founded_on=founded,
                industry=industry,
                jobs_driven=rng.randint(low, high),
            )
        year.add_count("entities", len(leaders))


def _entity_name(
    year: TrainingYear, kind: str, person: Trainee, village: OrgUnit, industry: str
) -> str:
    stem = year.stem(village)
    if kind == EntityKind.FAMILY_FARM:
        return f"{c.COUNTY_NAME}{person.name}家庭农场"
    if kind == EntityKind.COOPERATIVE:
        return f"{c.COUNTY_NAME}{stem}{industry}专业合作社"
    if kind == EntityKind.ENTERPRISE:
        return f"{c.COUNTY_NAME}{stem}{BUSINESSES[industry]}有限公司"
    return f"{stem}{person.name}{STARTUPS[industry]}"
