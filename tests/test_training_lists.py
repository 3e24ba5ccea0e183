"""培训类别 and 储备库 are lists the county office keeps: it adds, renames, reorders and retires
entries; others read them; an entry in use cannot be deleted; changes are audited."""

import pytest

from rencai.audit.models import AuditAction, AuditEvent
from rencai.training.models import Pool, TrainingCategory
from tests.test_training import Training


@pytest.fixture
def training(county, people) -> Training:
    return Training(county, people)


def test_the_county_office_adds_and_retires_a_category(personas, login):
    client = login(personas.county_admin)
    page = client.get("/training/lists/categories/").content.decode()
    assert "种养殖技术" in page and "社会工作" in page
    added = client.post(
        "/training/lists/categories/", {"name": "电商技能", "group": "技术技能", "sort_order": 9}
    )
    assert added.status_code == 302
    entry = TrainingCategory.objects.get(name="电商技能")
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(entry.pk)).exists()
    client.post(
        f"/training/lists/categories/{entry.pk}/edit/",
        {"name": "电商技能", "group": "技术技能", "sort_order": 9},  # is_active unticked
    )
    entry.refresh_from_db()
    assert entry.is_active is False
    # A retired category is no longer offered for a new program.
    form = client.get("/training/programs/new/")
    offered = [str(c) for c in form.context["form"].fields["category"].queryset]
    assert "电商技能" not in offered and "种养殖技术" in offered


def test_a_duplicate_name_is_a_form_error(personas, login):
    client = login(personas.county_admin)
    response = client.post("/training/lists/pools/", {"name": "后备干部", "sort_order": 1})
    assert response.status_code == 200
    assert Pool.objects.filter(name="后备干部").count() == 1
    assert "已存在" in response.content.decode()


def test_an_entry_in_use_is_not_deleted(personas, training, login):
    client = login(personas.county_admin)
    response = client.post(f"/training/lists/categories/{training.farming.pk}/delete/", follow=True)
    assert "不能删除" in response.content.decode()
    assert TrainingCategory.objects.filter(pk=training.farming.pk).exists()
    unused = TrainingCategory.objects.get(name="校地联姻")
    client.post(f"/training/lists/categories/{unused.pk}/delete/")
    assert not TrainingCategory.objects.filter(pk=unused.pk).exists()


@pytest.mark.parametrize("who", ["chengguan_admin", "chengguan_leader", "outsider_admin"])
def test_only_the_county_office_changes_the_lists(personas, login, who):
    client = login(getattr(personas, who))
    assert client.get("/training/lists/pools/").status_code == 200
    assert (
        client.post("/training/lists/pools/", {"name": "新库", "sort_order": 1}).status_code == 403
    )
    pool = Pool.objects.first()
    assert client.get(f"/training/lists/pools/{pool.pk}/edit/").status_code == 403
    assert client.post(f"/training/lists/pools/{pool.pk}/delete/").status_code == 403
    assert not Pool.objects.filter(name="新库").exists()


def test_an_unknown_list_is_not_found(personas, login):
    assert login(personas.county_admin).get("/training/lists/nothing/").status_code == 404
    assert login(personas.auditor).get("/training/lists/pools/").status_code == 403
