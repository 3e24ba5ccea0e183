"""督导检查 of the demo year, with their 整改事项: done, open within their time, and overdue."""

from datetime import timedelta

from rencai.demo import county as c
from rencai.demo.training.year import TrainingYear
from rencai.orgs.models import OrgUnit
from rencai.training.models import Inspection, RectificationItem, TrainingBase

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


def add_inspections(year: TrainingYear, bases: list[TrainingBase]) -> None:
    """督导检查 of bases and townships: the older ones' items done, two overdue, the latest
    ones' still open within their time."""
    rng, today = year.rng, year.today
    targets: list[tuple[OrgUnit, TrainingBase | None]] = [
        (b.org, b) for b in rng.sample(bases, min(len(bases), year.scaled(6, 2)))
    ]
    targets += [(t, None) for t in rng.sample(year.townships, min(2, len(year.townships)))]
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
        year.add_count("inspections")
        for j, p in enumerate(picks):
            due = day + timedelta(days=rng.choice((30, 45, 60)))
            if i == 1 and len(targets) > 2 and j < 2:
                due = min(due, today - timedelta(days=10 + j * 7))  # overdue, not done
                done = None
            elif due >= today:
                done = None if rng.random() < 0.7 else year.day(day, today)
            else:
                done = year.day(day + timedelta(days=5), due)
            RectificationItem.objects.create(
                inspection=inspection,
                description=RECTIFICATIONS[p],
                owner=f"{rng.choice(c.SURNAMES)}{rng.choice(c.GIVEN_CHARS)}"
                f"{rng.choice(c.GIVEN_CHARS)}",
                due_on=due,
                done_on=done,
            )
            year.add_count("rectification_items")
