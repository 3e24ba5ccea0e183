"""A user who may read nothing gets an empty QuerySet from every door to the data — every model's
`visible_to` and `editable_by` — never None (a caller would chain on it and fail with a 500) and
never everything (the shortcut of a one-county installation must not apply to them)."""

import pytest
from conftest import build_every_record, make_user, scoped_models
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from rencai.accounts.models import User
from rencai.accounts.roles import Role
from rencai.orgs.models import OrgUnit


class Nobody:
    """One user per way of reading nothing, all at the county (the sole root) when they have a
    unit: a business role without a unit, an account without a role, a disabled county admin,
    the three security roles, and the anonymous visitor."""

    def __init__(self, county) -> None:
        self.anonymous = AnonymousUser()
        self.no_unit = make_user("no_unit", Role.COUNTY_ADMIN, None)
        self.no_role = make_user("no_role", "", county.county)
        self.disabled = make_user("disabled", Role.COUNTY_ADMIN, county.county, is_active=False)
        self.sysadmin = make_user("sysadmin", Role.SYSADMIN, county.county)
        self.secadmin = make_user("secadmin", Role.SECADMIN, county.county)
        self.auditor = make_user("auditor", Role.AUDITOR, county.county)


SECURITY = ["sysadmin", "secadmin", "auditor"]
NOBODY = ["anonymous", "no_unit", "no_role", "disabled", *SECURITY]


@pytest.fixture
def nobody(county, people) -> Nobody:
    """The users, over a county with people and records of every type."""
    build_every_record(county, people)
    return Nobody(county)


def record_models() -> list[type]:
    """Every model with a `visible_to` except the accounts (see the last test)."""
    return [m for m in scoped_models() if m is not User]


def test_the_models_are_enumerated(db):
    names = {m.__name__ for m in scoped_models()}
    assert {"Person", "OrgUnit", "User", "TrainingProgram", "Attendance", "Performance",
            "CensusRound", "ImportJob"} <= names  # fmt: skip
    assert len(names) >= 20


@pytest.mark.parametrize("who", NOBODY)
def test_visible_to_is_an_empty_queryset(nobody, who):
    user = getattr(nobody, who)
    for model in record_models():
        rows = model.objects.visible_to(user)
        assert isinstance(rows, QuerySet), (who, model.__name__)
        if model is OrgUnit and who in SECURITY:
            assert rows.count() == OrgUnit.objects.count()  # they place accounts in units
            continue
        assert rows.count() == 0, (who, model.__name__)
        assert model.objects.exists() or model.__name__.startswith(("Census", "Demand", "Import"))


@pytest.mark.parametrize("who", [*NOBODY, "leader"])
def test_editable_by_is_an_empty_queryset(nobody, county, who):
    user = (
        make_user("leader", Role.LEADER, county.county) if who == "leader" else getattr(nobody, who)
    )
    for model in record_models():
        if not hasattr(model.objects, "editable_by"):
            continue
        rows = model.objects.editable_by(user)
        assert isinstance(rows, QuerySet), (who, model.__name__)
        assert rows.count() == 0, (who, model.__name__)


@pytest.mark.parametrize("who", ["anonymous", "disabled"])
def test_accounts_visible_to_nobody_who_cannot_sign_in(nobody, county, who):
    """The account list is the security roles' business, but not when they are disabled."""
    disabled_sysadmin = make_user("old_sysadmin", Role.SYSADMIN, county.county, is_active=False)
    for user in (getattr(nobody, who), disabled_sysadmin):
        rows = User.objects.visible_to(user)
        assert isinstance(rows, QuerySet)
        assert rows.count() == 0, user
