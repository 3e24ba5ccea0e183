"""人才培育 on the 驾驶舱 (rencai/cockpit/tiles.py): 培训人次 against the year's target with its
完成率 and 时间进度, 培训人数, the target gauge, 培训人次 by child unit and month by month."""

from django.utils.translation import gettext_lazy as _

from rencai.cockpit.tiles import Chart, Tile

TILES = (
    Tile(
        "training.attendance",
        30,
        target="training.target",
        progress="training.target_progress",
        time_progress="training.time_progress",
        year_on_year=("training.attendance",),
    ),
    Tile("training.trainees", 40, year_on_year=("training.trainees",)),
)

CHARTS = (
    Chart(
        _("年度培训目标完成率"),
        "gauge",
        "training.target_progress",
        30,
        marker="training.time_progress",
    ),
    Chart(_("培训人次按下级单位"), "bar", "training.attendance", 40, "child_unit"),
    Chart(_("培训人次逐月"), "line", "training.attendance", 50, "month"),
)
