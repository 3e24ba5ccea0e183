import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from rencai.training import tally


class Command(BaseCommand):
    help = "Recompute the 人次 ledger's tallies (ProgramTally, TraineeTally) from the ledger."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="只核对统计表与培训台账是否一致，不重算（不一致时退出码为 1）",
        )

    def handle(self, *args, check: bool, **options):
        if check:
            drift = tally.drift()
            for line in drift[:50]:
                self.stdout.write(line)
            if drift:
                self.stderr.write(f"统计表与培训台账有 {len(drift)} 处不一致；运行 retally 重算")
                sys.exit(1)
            self.stdout.write("统计表与培训台账一致")
            return
        with transaction.atomic():
            tally.install()
            tally.rebuild()
        self.stdout.write("已按培训台账重算统计表")
