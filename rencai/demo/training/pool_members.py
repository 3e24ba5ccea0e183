"""储备 of the demo county: Persons in each reserve pool, some who have left it."""

from datetime import timedelta

from rencai.demo.training.year import TrainingYear
from rencai.training.choices import MembershipStatus
from rencai.training.models import Pool, PoolMembership

EXIT_REASONS = ["已提拔为村（社区）干部", "外出务工", "年龄超过储备条件", "本人申请退出"]


def add_pool_members(year: TrainingYear) -> None:
    """Persons in each seeded reserve pool (后备干部: younger, mostly party members); some
    have left it, with the reason."""
    rng, today, made = year.rng, year.today, 0
    everyone = year.living[year.county.pk]
    for pool in Pool.objects.filter(is_active=True):
        candidates = everyone
        if pool.name == "后备干部":
            candidates = [
                i
                for i in everyone
                if 22 <= year.age(year.people[i]) <= 40
                and (year.people[i].party or rng.random() < 0.2)
            ]
        for i in year.pick(candidates, year.scaled(40, 5)):
            entered = year.day(today - timedelta(days=900), today - timedelta(days=20))
            exited = (today - entered).days > 90 and rng.random() < 0.15
            PoolMembership.objects.create(
                pool=pool,
                person_id=year.people[i].pk,
                entered_on=entered,
                status=MembershipStatus.EXITED if exited else MembershipStatus.ACTIVE,
                exited_on=year.day(entered + timedelta(days=60), today) if exited else None,
                exit_reason=rng.choice(EXIT_REASONS) if exited else "",
            )
            made += 1
    year.counts["pool_memberships"] = made
