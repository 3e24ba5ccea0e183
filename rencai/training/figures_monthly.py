"""培训人次 month by month (the 驾驶舱's line): the training ledger's `month` breakdown, from
ONE grouped pass over the tallies (rencai/training/tally.py) — 人次 per month of the programs'
end dates, by the same counting unit as `attendance_rows` (`counting_tallies`) — not a figure
call per month. Each month's line links to the ledger rows of that month's days."""

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from rencai.figures import Breakdown, Period, Scope, by_month, happened, list_url
from rencai.training.figures import counting_tallies


def attendances_by_month(scope: Scope, period: Period) -> dict[tuple[int, int], int]:
    """(year, month) → 培训人次 of the programs that ended in that month of the period, not
    after today (a month with none is left out), once per scope and period."""

    def compute() -> dict[tuple[int, int], int]:
        counted = happened(period)
        if counted is None:
            return {}
        grouped = (
            counting_tallies(scope, counted)
            .annotate(month=TruncMonth("program__end_date"))
            .values_list("month")
            .annotate(n=Sum("attendances"))
            .order_by()
        )
        return {(month.year, month.month): n or 0 for month, n in grouped}

    return scope.memo(("training.by_month", period), compute)


def _month_list(scope: Scope, month: Period) -> str:
    """The 培训台账 rows of one month of the period (to today, as the ledger figures count)."""
    return list_url("training:attendances", scope.unit, happened(month) or month)


ATTENDANCE_BY_MONTH: Breakdown = by_month(attendances_by_month, _month_list)
