from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from rencai import domains
from rencai.accounts.views import landing
from rencai.api import FigureViewSet
from rencai.figure_rules import figure_rules
from rencai.orgs.api import OrgUnitViewSet

router = DefaultRouter()
router.register("orgs", OrgUnitViewSet, basename="org")
for prefix, viewset, basename in domains.api_routes():
    router.register(prefix, viewset, basename=basename)
router.register("figures", FigureViewSet, basename="figure")

handler400 = "rencai.errors.bad_request"
handler403 = "rencai.errors.permission_denied"
handler404 = "rencai.errors.page_not_found"
handler500 = "rencai.errors.server_error"

# the domains' pages come from the registry (rencai/domains.py): each app's domain.py
urlpatterns = [
    path("", landing, name="root"),
    path("", include("rencai.cockpit.urls")),  # the 驾驶舱, "home": before the domains' pages
    path("accounts/", include("rencai.accounts.urls")),
    path("orgs/", include("rencai.orgs.urls")),
    *(path(d.url_prefix, include(d.urls)) for d in domains.domains() if d.urls),
    path("figures/rules/", figure_rules, name="figure-rules"),
    path("audit/", include("rencai.audit.urls")),
    path("imports/", include("rencai.imports.urls")),
    path("reports/", include("rencai.reports.urls")),
    path("alerts/", include("rencai.alerts.urls")),
    path("statements/", include("rencai.statements.urls")),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # its init script is a file (?script), not inline: the CSP (rencai/edge.py) refuses those
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html"),
        name="api-docs",
    ),
]
