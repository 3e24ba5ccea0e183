from django.urls import path

from rencai.people import categories, persons, persons_qualifications

app_name = "people"
urlpatterns = [
    path("", persons.person_list, name="list"),
    path("new/", persons.person_create, name="create"),
    path("export.xlsx", persons.person_export, name="export"),
    path("<int:pk>/", persons.person_detail, name="detail"),
    path("<int:pk>/edit/", persons.person_edit, name="edit"),
    path("<int:pk>/status/", persons.person_status, name="status"),
    path("<int:pk>/delete/", persons.person_delete, name="delete"),
    path("<int:pk>/reveal/", persons.person_reveal, name="reveal"),
    path(
        "<int:pk>/qualifications/new/",
        persons_qualifications.qualification_create,
        name="qualification_create",
    ),
    path(
        "qualifications/<int:pk>/edit/",
        persons_qualifications.qualification_edit,
        name="qualification_edit",
    ),
    path(
        "qualifications/<int:pk>/delete/",
        persons_qualifications.qualification_delete,
        name="qualification_delete",
    ),
    path("categories/", categories.category_list, name="categories"),
    path("categories/new/", categories.category_create, name="category_create"),
    path("categories/<int:pk>/edit/", categories.category_edit, name="category_edit"),
]
