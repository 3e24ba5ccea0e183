"""培训目标 of the demo year, decomposed down the tree from what the programs achieved: some
units ahead, some behind, two townships whose villages do not add up."""

from collections import Counter, defaultdict

from rencai.audit.bulk import Values
from rencai.demo.training.programs import Program
from rencai.demo.training.year import LabelledWriter, TrainingYear
from rencai.orgs.choices import VILLAGE_KINDS, OrgKind
from rencai.orgs.models import OrgUnit
from rencai.training.figures import Progress
from rencai.training.models import TrainingTarget


def add_targets(year: TrainingYear, programs: list[Program]) -> None:
    """The year's targets, decomposed county → township/street → village/community →
    villager group, chosen so some units are ahead of the year gone by and some behind;
    two townships' villages do not add up. Two categories have targets of their own."""
    rng = year.rng
    share = float(Progress(year.county, year.year, None, 0, year.today).expected_percent) / 100
    share = max(share, 0.05)
    achieved: dict[str | None, Counter] = defaultdict(Counter)  # category → unit → 人次
    for program in programs:
        if program.obj.end_date.year != year.year:
            continue
        for i in program.people:
            for unit in year.chain(year.people[i].home):
                achieved[None][unit] += 1
                achieved[program.category][unit] += 1
    # Behind (factor < 1) or ahead (> 1) of the share of the year, per township.
    order = rng.sample(year.townships, len(year.townships))
    pace = {t.pk: rng.uniform(0.65, 0.92) for t in order[: max(1, len(order) * 2 // 5)]}
    pace.update({t.pk: rng.uniform(1.08, 1.35) for t in order if t.pk not in pace})
    split = [t for t in order if len(year.children[t.pk]) > 1]
    uneven = {t.pk for t in split[:2]}
    rows: list[Values] = []
    for category, step, least in ((None, 10, 20), ("种养殖技术", 5, 5), ("其他技术", 5, 5)):
        if category is not None and category not in year.categories:
            continue
        cat = year.categories[category] if category else None
        got = achieved[category]
        county_total = 0
        for town in year.townships:
            town_total = 0
            for village in year.children[town.pk]:
                if village.kind not in VILLAGE_KINDS:
                    continue
                pace_v = pace[town.pk] * rng.uniform(0.75, 1.3)
                n = max(least, round(got[village.pk] / (share * pace_v) / step) * step)
                rows += _target_rows(year, village, cat, n, got)
                town_total += n
            if category is None and town.pk in uneven:
                town_total = (town_total // 100 + 1) * 100 + 100 * rng.randint(0, 3)
            rows.append(_target(year, town, cat, town_total))
            county_total += town_total
        rows.append(_target(year, year.county, cat, county_total))
    names = {pk: u.name for pk, u in year.units.items()}
    cats = {cat.pk: cat.name for cat in year.categories.values()}

    def label(v: Values) -> str:
        what = cats[v["category_id"]] if v["category_id"] else "全部类别"
        return f"{v['year']} {names[v['org_id']]} {what} {v['attendances']} 人次"

    LabelledWriter(TrainingTarget, label).create(rows)
    year.counts["targets"] = len(rows)


def _target(year: TrainingYear, unit: OrgUnit, category, n: int) -> Values:
    return {
        "year": year.year,
        "org_id": unit.pk,
        "category_id": category.pk if category else None,
        "attendances": n,
    }


def _target_rows(
    year: TrainingYear, village: OrgUnit, category, n: int, got: Counter
) -> list[Values]:
    """The village's target and, when it has villager groups, its split among them in
    proportion to their 人次 (adding up exactly)."""
    rows = [_target(year, village, category, n)]
    groups = [g for g in year.children[village.pk] if g.kind == OrgKind.VILLAGER_GROUP]
    if groups:
        weights = [got[g.pk] + 1 for g in groups]
        parts = [n * w // sum(weights) for w in weights]
        parts[-1] += n - sum(parts)
        rows += [_target(year, g, category, part) for g, part in zip(groups, parts, strict=True)]
    return rows
