from django.urls import path

from rencai.imports import views

app_name = "imports"
urlpatterns = [
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="confirm"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="cancel"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="retry"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors, name="errors"),
    path("<slug:sheet_name>/", views.upload, name="upload"),
    path("<slug:sheet_name>/template.xlsx", views.template, name="template"),
]
