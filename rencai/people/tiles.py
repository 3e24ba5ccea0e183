"""人才库 on the 驾驶舱 (rencai/cockpit/tiles.py): 在册人才 with those newly registered in the
period, the 人才类别结构, 在册人才 by child unit and 人员 by status (what the 工作台 showed)."""

from django.utils.translation import gettext_lazy as _

from rencai.cockpit.tiles import Chart, Tile

TILES = (Tile("people.active", 10, new="people.new", year_on_year=("people.new",)),)

CHARTS = (
    Chart(_("人才类别结构（在册人才）"), "treemap", "people.active", 10, "category"),
    Chart(_("在册人才按下级单位"), "bar", "people.active", 20, "child_unit"),
    Chart(_("人员按状态"), "pie", "people.persons", 60, "status"),
)
