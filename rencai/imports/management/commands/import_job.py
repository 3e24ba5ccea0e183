from django.core.management.base import BaseCommand
from django.db import close_old_connections

from rencai.imports.jobs import work


class Command(BaseCommand):
    help = "Run one step of an import job (used by the web import page's background process)."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)
        parser.add_argument("action", choices=["validate", "commit"])

    def handle(self, *args, job_id: int, action: str, **options):
        close_old_connections()
        work(job_id, action)
