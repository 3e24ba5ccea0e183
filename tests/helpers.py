"""Helpers shared by the test modules (fixtures live in conftest.py)."""

from rencai.people.models import Person
from rencai.standards import codes


def edit_form_data(person: Person, **changes) -> dict:
    """A complete, valid POST for /people/<pk>/edit/ that keeps everything as it is: the ID
    number and phone left blank (= keep the stored values), as the browser posts the form."""
    person = Person.objects.get(pk=person.pk)
    data = {
        "name": person.name,
        "id_number": "",
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat(),
        "ethnicity": person.ethnicity,
        "political_status": person.political_status,
        "education": codes.education_group_of(person.education),  # the form offers groups
        "degree": person.degree,
        "phone": "",
        "home_org": person.home_org_id,
        "work_org": person.work_org_id or "",
        "employer": person.employer,
        "post": person.post,
        "title_series": person.title_series,
        "title_level": person.title_level,
        "skill_level": person.skill_level,
        "specialty": person.specialty,
        "source": person.source,
        "categories": list(person.categories.values_list("pk", flat=True)),
        "notes": person.notes,
    }
    data.update(changes)
    return data


def record_routes() -> list[tuple[str, type]]:
    """(prefix, viewset) of every API endpoint over records — those with a model serializer;
    `/api/figures/` answers computed numbers, not records."""
    from rencai.urls import router

    return [
        (prefix, viewset)
        for prefix, viewset, _basename in router.registry
        if hasattr(getattr(viewset, "serializer_class", None), "Meta")
    ]
