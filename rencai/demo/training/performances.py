"""演出 of the demo year: the teams' shows in villages, with their audiences."""

from datetime import date

from rencai.demo.training.year import TrainingYear
from rencai.orgs.choices import VILLAGE_KINDS
from rencai.training.models import ArtTeam, Performance

PROGRAMMES = [
    ("百座戏台千场戏", 40),
    ("文艺三下乡", 25),
    ("送戏下乡", 15),
    ("村晚", 10),
    ("非遗展演", 10),
]


def add_performances(year: TrainingYear, teams: list[ArtTeam]) -> None:
    """The teams' performances in villages this year (百座戏台千场戏, 文艺三下乡 …), mostly in
    their own township, with their audiences."""
    rng = year.rng
    programmes, weights = zip(*PROGRAMMES, strict=True)
    shows = 0
    for _ in range(year.scaled(60, 4) if teams else 0):
        team = rng.choice(teams)
        town = year.township_of(team.org_id)
        home = [v for v in year.children[town.pk] if v.kind in VILLAGE_KINDS]
        village = rng.choice(home if home and rng.random() < 0.7 else year.villages)
        Performance.objects.create(
            team=team,
            date=year.day(date(year.year, 1, 1), year.today),
            village=village,
            programme=rng.choices(programmes, weights)[0],
            audience=rng.randint(8, 150) * 10,
        )
        shows += 1
    year.counts["performances"] = shows
