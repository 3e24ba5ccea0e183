from django.urls import path

from rencai.census import conflicts, demands, missing, rounds, units

app_name = "census"
urlpatterns = [
    path("", rounds.round_list, name="rounds"),
    path("new/", rounds.round_create, name="create"),
    path("<int:pk>/", rounds.round_detail, name="round"),
    path("<int:pk>/state/", rounds.round_state, name="state"),
    path("<int:pk>/units/<int:unit_pk>/", units.unit_detail, name="unit"),
    path("<int:pk>/units/<int:unit_pk>/review/", units.unit_review, name="review"),
    path(
        "<int:pk>/units/<int:unit_pk>/missing/<str:field>/",
        missing.missing_field,
        name="missing",
    ),
    path("<int:pk>/conflicts/", conflicts.conflict_list, name="conflicts"),
    path("<int:pk>/conflicts/<int:conflict_pk>/", conflicts.conflict_resolve, name="resolve"),
    path("<int:pk>/demand/", demands.demand_list, name="demand"),
    path("<int:pk>/supply-demand/", demands.supply_demand, name="supply_demand"),
]
