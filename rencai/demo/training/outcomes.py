"""培训成效 of the demo year's trainees: scale farms, skilled work, 新型职业农民 (with their
Qualification), startups."""

from collections import defaultdict
from datetime import timedelta

from rencai.demo.training.programs import Program
from rencai.demo.training.year import Trainee, TrainingYear
from rencai.people.models import Person
from rencai.training import actions
from rencai.training.choices import OutcomeKind
from rencai.training.models import Outcome

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


def add_outcomes(
    year: TrainingYear, programs: list[Program]
) -> dict[str, list[tuple[Trainee, Outcome]]]:
    """培训成效 of trainees, each linked to the program they came from and dated after it;
    a 新型职业农民 through actions.record_outcome (which adds the Qualification)."""
    rng = year.rng
    plan: list[tuple[str, Program, int, str]] = []
    for kind, categories, full, notes in OUTCOME_PLAN:
        source = [p for p in programs if p.category in categories and p.people]
        source = source or [p for p in programs if p.people]
        taken: set[int] = set()
        for _ in range(year.scaled(full) if source else 0):
            program = rng.choice(source)
            i = rng.choice(program.people)
            if i not in taken:
                taken.add(i)
                plan.append((kind, program, i, rng.choice(notes)))
    persons = Person.objects.in_bulk([year.people[i].pk for _k, _p, i, _n in plan])
    out: dict[str, list[tuple[Trainee, Outcome]]] = defaultdict(list)
    for kind, program, i, notes in plan:
        end = program.obj.end_date
        last = min(year.today, end + timedelta(days=150))
        outcome = actions.record_outcome(
            persons[year.people[i].pk],
            kind,
            year.day(min(end + timedelta(days=15), last), last),
            program=program.obj,
            grade=rng.choice(FARMER_GRADES) if kind == OutcomeKind.NEW_FARMER else "",
            notes=notes,
        )
        out[kind].append((year.people[i], outcome))
    year.counts["outcomes"] = len(plan)
    return out
