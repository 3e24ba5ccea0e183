"""The 驾驶舱 at /home/ (URL name "home"): where `/` takes every business role."""

from django.urls import path

from rencai.cockpit import views

urlpatterns = [path("home/", views.cockpit, name="home")]
