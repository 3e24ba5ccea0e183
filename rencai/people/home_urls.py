"""The 工作台, mounted at the site root (`/home/`, URL name "home") by the domain registry."""

from django.urls import path

from rencai.people import workbench

urlpatterns = [path("home/", workbench.home, name="home")]
