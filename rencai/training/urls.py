from django.urls import path

from rencai.training import lists, overview, records, views

app_name = "training"
urlpatterns = [
    path("", overview.overview, name="overview"),
    path("programs/", views.program_list, name="programs"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/export.xlsx", views.program_export, name="program_export"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:pk>/delete/", views.program_delete, name="program_delete"),
    path("programs/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("programs/<int:pk>/ledger.xlsx", views.program_ledger, name="program_ledger"),
    path("attendances/", views.attendance_list, name="attendances"),
    path("attendances/export.xlsx", views.attendance_export, name="attendances_export"),
    path("attendances/<int:pk>/remove/", views.attendance_remove, name="attendance_remove"),
]

urlpatterns += lists.urlpatterns
for record_views in records.views():
    urlpatterns += record_views.urls()
