"""人才类别 (TalentCategory), the labels a Person may carry: the categories a new installation
starts with (editable data afterwards; migration 0002 seeds them), its form and its pages (the
list with how many Persons of the user's jurisdiction hold each, create, edit)."""

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.people.choices import PersonStatus
from rencai.people.models import Person, TalentCategory

# (name, group, description)
SEED_CATEGORIES: list[tuple[str, str, str]] = [
    ("党政人才", "national", "党委、人大、政府、政协、两院、群团机关的公务员和参公人员"),
    ("企业经营管理人才", "national", "出资人代表、经营管理人员、党群工作者"),
    ("专业技术人才", "national", "取得职称或在专业技术岗位工作的人员"),
    ("高技能人才", "national", "高级工、技师、高级技师（或相应职业技能等级）"),
    ("农村实用人才", "national", "具有一定知识或技能、起示范带动作用、为群众认可的农村劳动者"),
    ("社会工作人才", "national", "从事社会福利、救助、慈善、康复、优抚、青少年等服务的专门人员"),
    ("农业生产经营人才", "rural2021", "高素质农民、家庭农场经营者、合作社带头人"),
    ("农村二三产业发展人才", "rural2021", "创业创新带头人、电商人才、乡村工匠"),
    ("乡村公共服务人才", "rural2021", "教师、卫生健康、文化旅游体育、规划建设人才"),
    ("乡村治理人才", "rural2021", "乡镇党政人才、村党组织带头人、农村社会工作和经营管理人才"),
    ("农业农村科技人才", "rural2021", "领军人才、创新人才、推广人才、科技特派员"),
    ("生产型", "rural_practical", "种植、养殖、捕捞、加工能手"),
    ("经营型", "rural_practical", "农村经纪人、合作社负责人、企业经营者"),
    ("技能服务型", "rural_practical", ""),
    ("技能带动型", "rural_practical", "能工巧匠、手工艺人"),
    ("社会服务型", "rural_practical", "文化、社会服务型"),
    ("土专家", "local", ""),
    ("田秀才", "local", ""),
    ("新农人", "local", ""),
    ("农创客", "local", ""),
    ("乡村工匠", "local", ""),
    ("文艺人才", "local", ""),
    ("返乡能人", "local", ""),
    ("高校毕业生", "local", ""),
    ("后备干部", "local", ""),
    ("新型职业农民", "local", ""),
]


class CategoryForm(forms.ModelForm):
    class Meta:
        model = TalentCategory
        fields = ["name", "group", "description", "sort_order", "is_active"]


@allow(roles.reads_records)
def category_list(request: HttpRequest) -> HttpResponse:
    """人才类别: the labels in use, with how many 在册 Persons of the user's jurisdiction hold
    each — the status the 工作台's 在册人才 by category counts (people.active), so the two agree."""
    visible = (
        Person.objects.visible_to(request.user).filter(status=PersonStatus.ACTIVE).values("id")
    )
    counts = dict(
        Person.categories.through.objects.filter(person_id__in=visible)
        .values_list("talentcategory_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    categories = [(c, counts.get(c.pk, 0)) for c in TalentCategory.objects.all()]
    return render(
        request,
        "people/category_list.html",
        {
            "categories": categories,
            "can_manage": roles.manages_orgs(request.user),
            "active": PersonStatus.ACTIVE.value,
        },
    )


def _category_form(request: HttpRequest, instance: TalentCategory | None) -> HttpResponse:
    form = CategoryForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        category = form.save()
        messages.success(request, _("已保存人才类别 %(name)s") % {"name": category.name})
        return redirect("people:categories")
    title = _("编辑人才类别") if instance else _("新增人才类别")
    return render(request, "form.html", {"form": form, "title": title})


@allow(roles.manages_orgs)
def category_create(request: HttpRequest) -> HttpResponse:
    return _category_form(request, None)


@allow(roles.manages_orgs)
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _category_form(request, get_object_or_404(TalentCategory, pk=pk))
