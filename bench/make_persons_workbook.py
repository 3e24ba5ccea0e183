"""Generate a realistic 人员信息表 for the import benchmark (not a test).

    .venv/bin/python bench/make_persons_workbook.py ROWS OUT.xlsx [--county 示范县] [--seed 2026]

Writes ROWS Persons with XlsxWriter in constant_memory mode (rows streamed to disk; strings are
written in-line), under the template's header: the labels of rencai.people.persons_sheet.COLUMNS
without 人员编号 (filled by the system on export) and 备注 (free text, blank in practice) — 20
columns. Every row is valid and new:

* 身份证号: unique, region 433130, with the birth date and sex of the row (the 17th digit odd for
  men, even for women) and a correct check digit; 性别 and 出生日期 (text 1985-03-12, as rencai's
  export writes it) agree with it;
* codes written as the labels offices use: 男, 汉族, 中共党员, 大学本科, 学士, 中级 …;
* 户籍/居住地 is the full path of one of the county's villages or communities
  (示范县/城关镇/东关村),
  read from the database — so the database must hold the demo county
  (`rencai demo --persons 0 --no-serve`); 工作单位 (18% of rows) the path of one of its
  departments, institutions, enterprises or social organisations;
* 人才类别 one or two categories joined with 、 (农村实用人才、土专家).

Uses the database named by RENCAI_DATABASE_URL (default: SQLite in RENCAI_DATA_DIR), read only.
"""

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

REGION = "433130"
SKIPPED = ("人员编号", "备注")
WORK_SHARE = 0.18

POSTS = ["负责人", "技术员", "理事长", "社员", "村医", "教师", "会计", "主任", "场长", "讲解员"]
TITLE_SERIES = ["农业", "教育", "卫生", "工程", "经济", "会计", "群众文化", "社会工作"]
TITLE_WEIGHTS = [("正高级", 1), ("副高级", 6), ("中级", 20), ("助理级", 28), ("员级", 10)]
SKILL_WEIGHTS = [("五级/初级工", 30), ("四级/中级工", 30), ("三级/高级工", 22), ("二级/技师", 6)]
EMPLOYERS = [
    "{v}种养专业合作社",
    "{v}家庭农场",
    "{v}茶叶专业合作社",
    "{v}竹编工艺坊",
    "个体经营",
    "外出务工",
]
STATUS_LABELS = {"active": "在册", "outflow": "流出", "exited": "退出", "deceased": "已故"}
SOURCE_LABELS = {"local": "本土", "introduced": "引进", "returned": "回引"}


def columns() -> list[str]:
    from rencai.people.persons_sheet import COLUMNS

    return [c.label for c in COLUMNS if c.label not in SKIPPED]


def _weighted(pairs):
    from itertools import accumulate

    return [v for v, _w in pairs], list(accumulate(w for _v, w in pairs))


class Generator:
    """Rows of the sheet as lists of strings ("" for a blank cell), in `columns()` order."""

    def __init__(self, county: str, seed: int):
        from rencai.demo import builder
        from rencai.demo import county as c
        from rencai.orgs.models import OrgUnit
        from rencai.people.models import TalentCategory
        from rencai.standards import codes
        from rencai.standards.idnumber import CHECK_CHARS, WEIGHTS

        self.rng = random.Random(seed)
        under = OrgUnit.objects.filter(name_path__startswith=county + "/", is_active=True)
        self.homes = sorted(
            under.filter(kind__in=["village", "community"]).values_list("name_path", flat=True)
        )
        if not self.homes:
            raise SystemExit(
                f"数据库中没有“{county}”的村（社区）：先运行 rencai demo --persons 0 --no-serve"
            )
        self.works = sorted(
            under.filter(
                kind__in=["department", "institution", "enterprise", "social_org"]
            ).values_list("name_path", flat=True)
        )
        self.surnames, self.given = c.SURNAMES, c.GIVEN_CHARS
        self.specialties = c.SPECIALTIES

        def labels(table, pairs):
            return _weighted([(table.lookup(code).label, w) for code, w in pairs])

        self.ethnicity = labels(codes.ETHNICITY, builder.ETHNICITY_WEIGHTS)
        self.political = labels(codes.POLITICAL_STATUS, builder.POLITICAL_WEIGHTS)
        self.education = labels(codes.EDUCATION, builder.EDUCATION_WEIGHTS)
        self.source = _weighted([(SOURCE_LABELS[str(v)], w) for v, w in builder.SOURCE_WEIGHTS])
        self.status = _weighted([(STATUS_LABELS[str(v)], w) for v, w in builder.STATUS_WEIGHTS])
        present = set(TalentCategory.objects.values_list("name", flat=True))
        self.category = _weighted([(n, w) for n, w in builder.CATEGORY_WEIGHTS if n in present])
        self.practical = _weighted(
            [(n, w) for n, w in builder.PRACTICAL_TYPE_WEIGHTS if n in present]
        )
        self.title = _weighted(TITLE_WEIGHTS)
        self.skill = _weighted(SKILL_WEIGHTS)
        self.today = date.today()
        # Check digit: the weighted sum of the 17 digits mod 11. The region's part is constant,
        # the date's part is cached per day, the sequence's part precomputed for 000–999.
        self.check_chars = CHECK_CHARS
        self.region_sum = sum(int(d) * w for d, w in zip(REGION, WEIGHTS[:6], strict=True))
        self.date_weights = WEIGHTS[6:14]
        self.seq_sum = [
            sum(int(d) * w for d, w in zip(f"{s:03d}", WEIGHTS[14:17], strict=True))
            for s in range(1000)
        ]
        self.days: dict[int, tuple[str, str, int]] = {}  # ordinal → (YYYYMMDD, ISO, partial sum)
        self.taken: set[int] = set()  # ordinal * 1000 + sequence

    def pick(self, table):
        values, cum = table
        return self.rng.choices(values, cum_weights=cum)[0]

    def id_number(self, birth: date, male: bool) -> tuple[str, str]:
        ordinal = birth.toordinal()
        day = self.days.get(ordinal)
        if day is None:
            digits = f"{birth:%Y%m%d}"
            partial = self.region_sum + sum(
                int(d) * w for d, w in zip(digits, self.date_weights, strict=True)
            )
            day = self.days[ordinal] = (digits, birth.isoformat(), partial)
        digits, iso, partial = day
        odd = 1 if male else 0
        while True:
            seq = self.rng.randrange(500) * 2 + odd
            key = ordinal * 1000 + seq
            if key not in self.taken:
                self.taken.add(key)
                break
        check = self.check_chars[(partial + self.seq_sum[seq]) % 11]
        return f"{REGION}{digits}{seq:03d}{check}", iso

    def row(self) -> list[str]:
        rng, pick = self.rng, self.pick
        male = rng.random() < 0.5
        birth = self.today - timedelta(days=int(rng.triangular(18, 70, 42) * 365.25))
        id_number, iso = self.id_number(birth, male)
        name = rng.choice(self.surnames) + "".join(
            rng.choice(self.given) for _ in range(rng.choice((1, 2, 2, 2)))
        )
        education = pick(self.education)
        degree = ""
        if education in ("研究生", "硕士研究生毕业"):
            degree = "硕士"
        elif education == "大学本科" and rng.random() < 0.7:
            degree = "学士"
        home = rng.choice(self.homes)
        village = home.rsplit("/", 1)[-1].removesuffix("村").removesuffix("社区")
        if rng.random() < WORK_SHARE and self.works:
            work = rng.choice(self.works)
            employer = work.rsplit("/", 1)[-1]
        else:
            work = ""
            employer = rng.choice(EMPLOYERS).format(v=village) if rng.random() < 0.5 else ""
        post = rng.choice(POSTS) if rng.random() < 0.4 else ""
        titled = rng.random() < 0.2
        skilled = rng.random() < 0.15
        n_cat = rng.choices((0, 1, 2), cum_weights=(8, 78, 100))[0]
        cats = list(dict.fromkeys(pick(self.category) for _ in range(n_cat)))
        if "农村实用人才" in cats and self.practical[0] and rng.random() < 0.5:
            cats.append(pick(self.practical))
        return [
            name,
            "男" if male else "女",
            iso,
            id_number,
            pick(self.ethnicity),
            pick(self.political),
            education,
            degree,
            f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            home,
            work,
            employer,
            post,
            rng.choice(TITLE_SERIES) if titled else "",
            pick(self.title) if titled else "",
            pick(self.skill) if skilled else "",
            rng.choice(self.specialties),
            pick(self.source),
            pick(self.status),
            "、".join(cats),
        ]


def write(rows: int, out: str | Path, *, county: str = "示范县", seed: int = 2026) -> dict:
    """Write the workbook; returns what was written (for the benchmark's JSON)."""
    import django

    django.setup()
    import xlsxwriter

    from rencai.people.persons_sheet import COLUMNS

    labels = columns()
    by_label = {c.label: c for c in COLUMNS}
    generator = Generator(county, seed)
    sample = generator.row()
    if len(sample) != len(labels):
        raise SystemExit(f"generator gives {len(sample)} cells for {len(labels)} columns")
    generator = Generator(county, seed)  # start the sequence again
    started = time.perf_counter()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(str(out) + ".part")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    ws = wb.add_worksheet("人员信息表")
    header = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    text = wb.add_format({"num_format": "@"})
    for col, label in enumerate(labels):
        column = by_label[label]
        ws.set_column(col, col, column.width, text if column.text else None)
        ws.write_string(0, col, label, header)
    text_cols = {i for i, label in enumerate(labels) if by_label[label].text}
    write_string = ws.write_string
    for r in range(1, rows + 1):
        for col, value in enumerate(generator.row()):
            if value:
                write_string(r, col, value, text if col in text_cols else None)
    wb.close()
    tmp.replace(out)
    return {
        "rows": rows,
        "columns": labels,
        "county": county,
        "seed": seed,
        "villages": len(generator.homes),
        "seconds": round(time.perf_counter() - started, 1),
        "bytes": Path(out).stat().st_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("out")
    parser.add_argument("--county", default="示范县")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    info = write(args.rows, args.out, county=args.county, seed=args.seed)
    print(
        f"{info['rows']:,} 行 × {len(info['columns'])} 列 → {args.out}"
        f"（{info['bytes'] / 2**20:.1f} MB，{info['seconds']} s）"
    )


if __name__ == "__main__":
    main()
