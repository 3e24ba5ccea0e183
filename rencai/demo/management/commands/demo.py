import sys
import time

from django.core.management.base import BaseCommand

from rencai.demo import builder, census, training


class Command(BaseCommand):
    help = "Build (or reuse) the demo county 示范县 and print its accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--persons",
            type=int,
            default=5000,
            help="how many Persons the county should hold (default 5000)",
        )

    def handle(self, *args, persons: int, **options):
        if persons < 0:
            self.stderr.write("--persons 不能为负数")
            sys.exit(2)
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                sys.stderr.write(f"\r生成人员 {done}/{total}")
            elif done == total or done % 100_000 == 0:
                sys.stderr.write(f"生成人员 {done}/{total}\n")

        _county, added, accounts, year = builder.build(persons, progress=progress)
        if sys.stderr.isatty() and added:
            sys.stderr.write("\n")
        self.stdout.write(training.summary(year["training"]))
        self.stdout.write(census.summary(year["census"]))
        self.stdout.write(
            f"示范县已就绪：新增 {added} 名人员，用时 {time.monotonic() - started:.1f} 秒"
        )
        self.stdout.write(f"演示账号（密码均为 {builder.DEMO_PASSWORD}）：")
        for account, _created in accounts:
            self.stdout.write(
                f"  {account.username:<18} {account.display_name}（{account.org_path}）"
            )
