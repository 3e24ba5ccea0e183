"""Signals other apps listen to (the census marks a unit 已报 when its roster is committed)."""

from django.dispatch import Signal

job_committed = Signal()  # kwargs: job
