from django.urls import path

from rencai.alerts import quality_views, views

app_name = "alerts"

urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("seen/", views.seen, name="seen"),
    path("seen/all/", views.seen_all, name="seen_all"),
    path("quality/", quality_views.quality_page, name="quality"),
    path("quality/rows/", quality_views.part_rows, name="quality_rows"),
]
