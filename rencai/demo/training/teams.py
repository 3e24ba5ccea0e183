"""文艺团队 of the demo county: 戏曲 and 民间文艺 teams of a village or a township, with their
members."""

from rencai.demo.training.year import TrainingYear
from rencai.training.choices import ArtKind
from rencai.training.models import ArtTeam

TEAM_NAMES = {
    ArtKind.OPERA: ["辰河高腔剧团", "花灯戏队", "阳戏班", "傩戏队"],
    ArtKind.FOLK: ["苗歌队", "龙狮队", "三棒鼓队", "腰鼓队", "摆手舞队", "山歌队"],
}


def add_teams(year: TrainingYear) -> list[ArtTeam]:
    """戏曲 and 民间文艺 teams of 5–15 members, of a village or a township."""
    rng, teams = year.rng, []
    more = rng.choices([ArtKind.OPERA, ArtKind.FOLK], [3, 5], k=year.scaled(8, 2) - 2)
    kinds = [ArtKind.OPERA, ArtKind.FOLK, *more]
    used = set()
    for kind in kinds:
        org = rng.choice(year.villages if rng.random() < 0.5 else year.townships)
        name = f"{year.stem(org)}{rng.choice(TEAM_NAMES[kind])}"
        if name in used:
            continue
        used.add(name)
        team = ArtTeam.objects.create(name=name, kind=kind, org=org)
        pool = year.living[org.pk]
        if len(pool) < 5:
            pool = year.living[year.township_of(org.pk).pk]
        team.members.set([year.people[i].pk for i in year.pick(pool, rng.randint(5, 15))])
        teams.append(team)
    year.counts["art_teams"] = len(teams)
    return teams
