from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from rencai.accounts.views import landing
from rencai.orgs.api import OrgUnitViewSet
from rencai.people import views as people_views
from rencai.people.api import PersonViewSet
from rencai.training import records as training_records

router = DefaultRouter()
router.register("orgs", OrgUnitViewSet, basename="org")
router.register("people", PersonViewSet, basename="person")
for prefix, viewset, basename in training_records.routes():
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("", landing, name="root"),
    path("home/", people_views.home, name="home"),
    path("accounts/", include("rencai.accounts.urls")),
    path("orgs/", include("rencai.orgs.urls")),
    path("people/", include("rencai.people.urls")),
    path("census/", include("rencai.census.urls")),
    path("training/", include("rencai.training.urls")),
    path("audit/", include("rencai.audit.urls")),
    path("imports/", include("rencai.imports.urls")),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # its init script is a file (?script), not inline: the CSP (rencai/edge.py) refuses those
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html"),
        name="api-docs",
    ),
]
