from django.urls import path

from rencai.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("export.xlsx", views.person_export, name="export"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/status/", views.person_status, name="status"),
    path("<int:pk>/delete/", views.person_delete, name="delete"),
    path("<int:pk>/reveal/", views.person_reveal, name="reveal"),
    path("<int:pk>/qualifications/new/", views.qualification_create, name="qualification_create"),
    path("qualifications/<int:pk>/edit/", views.qualification_edit, name="qualification_edit"),
    path(
        "qualifications/<int:pk>/delete/", views.qualification_delete, name="qualification_delete"
    ),
    path("categories/", views.category_list, name="categories"),
    path("categories/new/", views.category_create, name="category_create"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
]
