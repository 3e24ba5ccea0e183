from django.urls import path

from rencai.statements import views

app_name = "statements"
urlpatterns = [
    path("", views.index, name="index"),
    path("download/", views.download, name="download"),
]
