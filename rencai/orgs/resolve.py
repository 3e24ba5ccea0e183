"""Units named in a sheet cell, resolved to the org tree: the parser every sheet with a unit column
uses (people's 户籍/居住地, a record's 所属单位, a census row's 填报单位)."""

from typing import Any

from django.utils.translation import gettext as _

from rencai.imports.reader import cell_text
from rencai.imports.sheets import CellError
from rencai.orgs.models import OrgUnit
from rencai.standards.text import fold


class UnitResolver:
    """Finds a unit from what offices write: a path (示范县/城关镇/东关村, or its tail
    城关镇/东关村), a unique name, or a 12-digit 统计用区划代码.

    Any active unit of the tree resolves (an exported row keeps a shared person's unit in another
    township); whether a row may *put* a record in that unit is the plan's question, against
    `visible` (the importer's jurisdiction).
    """

    def __init__(self, user: Any):
        self.visible = set(OrgUnit.objects.visible_to(user).active().values_list("pk", flat=True))
        self.by_path: dict[str, int] = {}
        self.by_tail: dict[str, set[int]] = {}
        self.by_code: dict[str, int] = {}
        for pk, name_path, code in OrgUnit.objects.active().values_list(
            "pk", "name_path", "division_code"
        ):
            self.by_path[name_path] = pk
            parts = name_path.split("/")
            for i in range(1, len(parts)):
                self.by_tail.setdefault("/".join(parts[i:]), set()).add(pk)
            if code:
                self.by_code[code] = pk
        self.paths = {pk: path for path, pk in self.by_path.items()}

    def __call__(self, raw: Any) -> int:
        text = fold(cell_text(raw)).replace("／", "/").replace(" ", "").strip("/")
        if text in self.by_path:
            return self.by_path[text]
        if text.isdigit() and len(text) == 12 and text in self.by_code:
            return self.by_code[text]
        found = self.by_tail.get(text, set())
        if len(found) > 1:  # prefer the importer's own units for a bare name
            found = (found & self.visible) or found
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            options = "、".join(sorted(self.paths[pk] for pk in found)[:4])
            raise CellError(_("“%(t)s”有重名：%(o)s，请写完整路径") % {"t": text, "o": options})
        raise CellError(_("找不到组织“%(t)s”，请写完整路径，如 示范县/城关镇/东关村") % {"t": text})
