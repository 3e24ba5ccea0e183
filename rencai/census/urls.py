from django.urls import path

from rencai.census import views

app_name = "census"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/state/", views.round_state, name="state"),
    path("<int:pk>/units/<int:unit_pk>/", views.unit_detail, name="unit"),
    path("<int:pk>/units/<int:unit_pk>/review/", views.unit_review, name="review"),
    path("<int:pk>/conflicts/", views.conflict_list, name="conflicts"),
    path("<int:pk>/conflicts/<int:conflict_pk>/", views.conflict_resolve, name="resolve"),
    path("<int:pk>/demand/", views.demand_list, name="demand"),
    path("<int:pk>/supply-demand/", views.supply_demand, name="supply_demand"),
]
