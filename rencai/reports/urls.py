from django.urls import path

from rencai.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/regenerate/", views.regenerate, name="regenerate"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/pdf/", views.pdf_preview, name="pdf"),
]
