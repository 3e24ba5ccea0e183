"""培训台账 of the demo year: one row per 人次 of the programs' attendees, through the bulk
writer with one change entry each."""

from rencai.demo.training.programs import Program
from rencai.demo.training.year import LabelledWriter, TrainingYear
from rencai.training.models import Attendance


def add_attendances(year: TrainingYear, programs: list[Program]) -> None:
    rows, labels = [], {}
    for program in programs:
        prefix = f"{program.obj} · "
        for i in program.people:
            person = year.people[i]
            rows.append({"program_id": program.obj.pk, "person_id": person.pk})
            labels[program.obj.pk, person.pk] = prefix + person.name
    writer = LabelledWriter(Attendance, lambda v: labels[v["program_id"], v["person_id"]])
    writer.create(rows)
    year.counts["attendances"] = len(rows)
