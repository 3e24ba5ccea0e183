"""人才普查 on the 驾驶舱 (rencai/cockpit/tiles.py): the census round's 报送率 of the year."""

from django.utils.translation import gettext_lazy as _

from rencai.cockpit.tiles import Chart, Tile

TILES = (Tile("census.reporting_rate", 50),)

CHARTS = (Chart(_("普查报送率按下级单位"), "bar", "census.reporting_rate", 55, "child_unit"),)
