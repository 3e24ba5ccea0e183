"""实训基地 of the demo year: bases in the villages of several townships and the county's two
named farms, each with its 存栏."""

from decimal import Decimal

from rencai.demo.training.year import TrainingYear
from rencai.orgs.choices import VILLAGE_KINDS, OrgKind
from rencai.training.choices import BaseStatus
from rencai.training.models import Livestock, TrainingBase

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


def add_bases(year: TrainingYear) -> list[TrainingBase]:
    """2–3 bases in each of several townships (in their villages), and the county's two
    named farms (大坪子养殖场, 明远养殖场) as bases of their own units."""
    rng, bases = year.rng, []
    farming = [t for t in year.townships if t.kind == OrgKind.TOWNSHIP] or year.townships
    chosen = rng.sample(farming, min(len(farming), year.scaled(6, 2)))
    places = []
    for town in sorted(chosen, key=lambda u: u.name_path):
        villages = [v for v in year.children[town.pk] if v.kind in VILLAGE_KINDS] or [town]
        places += [rng.choice(villages) for _ in range(rng.randint(2, 3))]
    farms = [year.by_name[n] for n in ("大坪子养殖场", "明远养殖场") if n in year.by_name]
    for org in [*farms, *places]:
        kind = rng.choices(["养殖场", "种植基地", "加工车间"], [45, 35, 20])[0]
        animal, crop, product = rng.choice(ANIMALS[:4]), rng.choice(CROPS), rng.choice(PRODUCTS)
        what = {"养殖场": animal[0], "种植基地": crop, "加工车间": product}[kind]
        name = f"{year.stem(org)}{what}{kind}"
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
            notes=f"县级人才实训基地，{rng.randint(2016, year.year - 1)}年挂牌",
        )
        bases.append(base)
        kept = []
        if kind == "养殖场":  # the animal it is named after, and perhaps one or two more
            others = [a for a in ANIMALS if a != animal]
            kept = [animal, *rng.sample(others, rng.choice((0, 0, 1, 2)))]
        elif kind == "种植基地" and rng.random() < 0.3:
            kept = ANIMALS[-1:]  # 中蜂 among the orchards
        for _named, kind_, unit, low, high in kept:
            Livestock.objects.create(base=base, kind=kind_, unit=unit, count=rng.randint(low, high))
            year.add_count("livestock")
    year.counts["bases"] = len(bases)
    return bases
