from django.urls import path

from rencai.training import attendances, lists, overview, programs, records, rectifications

app_name = "training"
urlpatterns = [
    path("", overview.overview, name="overview"),
    path("programs/", programs.program_list, name="programs"),
    path("programs/new/", programs.program_create, name="program_create"),
    path("programs/export.xlsx", programs.program_export, name="program_export"),
    path("programs/<int:pk>/", programs.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", programs.program_edit, name="program_edit"),
    path("programs/<int:pk>/delete/", programs.program_delete, name="program_delete"),
    path("programs/<int:pk>/enrol/", programs.enrol, name="enrol"),
    path("programs/<int:pk>/enrol/search/", programs.enrol_search, name="enrol_search"),
    path("programs/<int:pk>/ledger.xlsx", programs.program_ledger, name="program_ledger"),
    path("attendances/", attendances.attendance_list, name="attendances"),
    path("attendances/export.xlsx", attendances.attendance_export, name="attendances_export"),
    path("attendances/<int:pk>/remove/", attendances.attendance_remove, name="attendance_remove"),
]

urlpatterns += lists.urlpatterns
urlpatterns += rectifications.urlpatterns
for record_views in records.views():
    urlpatterns += record_views.urls()
