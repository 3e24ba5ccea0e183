"""The options a sheet takes on the command line: `rencai import attendance 签到.xlsx --program 12`.

A sheet declares each of its options once: the flag, its help in Chinese, and how the typed text
becomes the values the web passes — the import's job options (what `Sheet.upload_options` reads
from an upload page's query string) or the export's list filters. The command line builds its
argparse flags from the declaration and never learns what a program or a census round is.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

IMPORT, EXPORT = "import", "export"

# (user, the text typed, the options resolved before this one) -> the entries this option adds
Resolve = Callable[[Any, str, dict[str, Any]], dict[str, Any]]


class OptionError(ValueError):
    """An option's value cannot be used; `message` says why in Chinese (without the flag)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetOption:
    """One `--flag` of `rencai import|export SHEET`, resolved in declaration order (so a census
    unit can be looked up within the round named before it)."""

    flag: str  # "program" gives --program
    help: Any  # str or a lazy translation
    resolve: Resolve
    commands: Sequence[str] = (IMPORT, EXPORT)
    required_for: Sequence[str] = ()  # e.g. (IMPORT,): the web's upload page always carries it
    metavar: str = ""

    @property
    def dest(self) -> str:
        return f"sheet_{self.flag.replace('-', '_')}"


def unit_option(flag: str = "org", key: str = "org", *, help: Any = "") -> SheetOption:
    """A unit of the user's jurisdiction by its path (示范县/城关镇), passed as its id under `key`
    the way the list page's 单位 filter passes it; exports only."""

    def resolve(user: Any, text: str, resolved: dict[str, Any]) -> dict[str, Any]:
        from rencai.orgs.models import OrgUnit

        unit = OrgUnit.objects.by_path_text(text)
        if unit is None or not OrgUnit.objects.visible_to(user).filter(pk=unit.pk).exists():
            raise OptionError(
                _("找不到组织“%(t)s”，或不在 %(u)s 的管辖范围内") % {"t": text, "u": user.username}
            )
        return {key: unit.pk}

    return SheetOption(
        flag,
        help or gettext_lazy("组织路径，如 示范县/城关镇（含其下级单位）"),
        resolve,
        commands=(EXPORT,),
        metavar="组织路径",
    )


def by_id_or_name(queryset: Any, text: str, *, name_field: str = "name") -> Any:
    """The one record of `queryset` whose id is `text` (digits) or whose `name_field` is it;
    OptionError when none or several match, naming the ids to choose from."""
    text = text.strip()
    if text.isdigit():
        found = list(queryset.filter(pk=int(text))[:1]) or list(
            queryset.filter(**{name_field: text})[:10]
        )
    else:
        found = list(queryset.filter(**{name_field: text})[:10])
    if not found:
        raise OptionError(_("找不到“%(t)s”，或不在您的管辖范围内") % {"t": text})
    if len(found) > 1:
        raise OptionError(
            _("“%(t)s”有多个，请改用编号：%(ids)s")
            % {"t": text, "ids": "、".join(f"{r.pk}（{r}）" for r in found)}
        )
    return found[0]
