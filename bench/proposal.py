"""Run bench/people_list.py with the query changes proposed in bench/README.md patched in.

Only for measuring the proposal before the owners of rencai/people change the code:

    RENCAI_DATABASE_URL=... .venv/bin/python bench/proposal.py [people_list.py options]

The patch: a user whose unit is the only root (the county) sees every Person without a
condition; otherwise a user's jurisdiction and the 组织 filter become lists of org ids (a
subtree holds a few dozen to a few hundred units) instead of IN (SELECT … path LIKE …), so that
PostgreSQL can combine the home_org / work_org indexes (BitmapOr) instead of scanning every
Person with a hashed subplan per row; and the 人才类别 filter becomes EXISTS (…) on the
(person_id, talentcategory_id) unique index instead of id IN (SELECT person_id …), so that SQLite
stops fetching every member of the category (~376,000 at 1M) to show 50 rows. Measure it with
and without the index proposed in the README:

    CREATE INDEX person_categories_category_person
        ON people_person_categories (talentcategory_id, person_id);
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Exists, OuterRef, Q  # noqa: E402

from rencai.accounts import roles  # noqa: E402
from rencai.orgs.models import OrgUnit  # noqa: E402
from rencai.people import filters, models  # noqa: E402


def subtree_ids(root: OrgUnit) -> list[int]:
    units = OrgUnit.objects.filter(path__startswith=root.path).order_by()
    return list(units.values_list("id", flat=True))


def visible_to(self, user):
    if not roles.reads_records(user) or user.org_id is None:
        return self.none()
    org = user.org
    others = OrgUnit.objects.filter(parent__isnull=True).exclude(pk=org.pk)
    if org.parent_id is None and not others.exists():
        return self.all()  # the only root: every unit, so every Person, is in its subtree
    ids = subtree_ids(org)
    return self.filter(Q(home_org_id__in=ids) | Q(work_org_id__in=ids))


def filter_org(self, qs, name, value):
    ids = subtree_ids(value)
    return qs.filter(Q(home_org_id__in=ids) | Q(work_org_id__in=ids))


def filter_category(self, qs, name, value):
    through = models.Person.categories.through
    members = through.objects.filter(talentcategory_id=value.pk, person_id=OuterRef("pk"))
    return qs.filter(Exists(members))


models.PersonQuerySet.visible_to = visible_to
filters.PersonFilter.filter_org = filter_org
filters.PersonFilter.filter_category = filter_category

import people_list  # noqa: E402

people_list.OUT = people_list.OUT / "proposal"
people_list.main()
