"""The querysets of the training record types whose place in a jurisdiction says more than one
line of `UnitScopedQuerySet.placed_by` can: a program's period, and the ledger row seen by two
units but written by one. The models use them as their managers (models.py)."""

from django.utils.translation import gettext_lazy as _

from rencai.orgs.scoping import UnitScopedQuerySet


class ProgramQuerySet(UnitScopedQuerySet):
    unit_fields = ("organiser",)

    def ended_between(self, start, end) -> "ProgramQuerySet":
        """Programs whose last day falls in [start, end]: a program counts in the period it
        ended in (the 口径 of 培训人次)."""
        return self.filter(end_date__gte=start, end_date__lte=end)


class AttendanceQuerySet(UnitScopedQuerySet):
    """A row is seen by the organiser (its ledger) and the trainee's home unit (it counts
    there), but written only by the organiser: the trainee's township neither adds it to, nor
    removes or moves it from, another unit's course — on the page and through the API alike."""

    unit_fields = ("program__organiser", "person__home_org")
    write_fields = ("program__organiser",)
    outside_message = _("只有主办单位可以登记本班次的学员")
