"""名师带徒 of the demo county: under way, graduated, or ended."""

from datetime import timedelta

from rencai.demo.training.year import TrainingYear
from rencai.training.choices import MentorshipStatus
from rencai.training.models import Mentorship

CRAFTS = ["竹编", "木雕", "苗绣", "银饰锻制", "辰河高腔", "花灯戏", "土家织锦", "肉牛养殖"]
CRAFTS += ["柑橘嫁接", "石雕"]
GRADUATED = [
    "已出师，独立承接订单",
    "已出师，带徒 2 人",
    "作品获市级比赛三等奖",
    "已出师，开办工作室",
]
ENDED = ["徒弟外出务工，终止", "师傅年老体弱，终止", "徒弟转行，终止"]


def add_mentorships(year: TrainingYear) -> None:
    """名师带徒: an older master and a younger apprentice of the same township; some still
    under way, some finished with a result."""
    rng, today = year.rng, year.today
    made = 0
    masters = [i for i in year.living[year.county.pk] if 40 <= year.age(year.people[i]) <= 68]
    for m in year.pick(masters, year.scaled(30, 3)):
        master = year.people[m]
        town = year.township_of(master.home)
        young = [i for i in year.living[town.pk] if year.age(year.people[i]) < 40 and i != m]
        if not young:
            continue
        status = rng.choices(MentorshipStatus.values, [40, 45, 15])[0]
        if status == MentorshipStatus.ONGOING:
            start, end, result = year.day(today - timedelta(days=540), today), None, ""
        else:
            start = year.day(today - timedelta(days=1100), today - timedelta(days=400))
            end = year.day(start + timedelta(days=180), today)
            result = rng.choice(GRADUATED if status == MentorshipStatus.GRADUATED else ENDED)
        Mentorship.objects.create(
            master_id=master.pk,
            apprentice_id=year.people[rng.choice(young)].pk,
            craft=rng.choice(CRAFTS),
            start_date=start,
            end_date=end,
            status=status,
            result=result,
        )
        made += 1
    year.counts["mentorships"] = made
