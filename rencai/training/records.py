"""The record modules of 育, each declaring its pages (`VIEWS`), import sheets (registered when
the module is imported) and API routes (`ROUTES`): the URLconf and the API router read them here."""

from rencai.training import (
    attendances,
    bases,
    entities,
    inspections,
    inspections_sheet,  # noqa: F401 -- registers the 督导检查 sheet
    mentorships,
    outcomes,
    performances,
    pool_members,
    programs,
    targets,
    teams,
)

MODULES = (
    programs,
    attendances,
    targets,
    bases,
    inspections,
    outcomes,
    mentorships,
    pool_members,
    entities,
    teams,
    performances,
)


def views() -> list:
    return [v for module in MODULES for v in module.VIEWS]


def routes() -> list:
    return [r for module in MODULES for r in module.ROUTES]
