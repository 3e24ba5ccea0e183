from django.core.management.base import BaseCommand, CommandError

from rencai.accounts import passwords
from rencai.accounts.models import User
from rencai.audit.context import acting_as


class Command(BaseCommand):
    help = (
        "Reset an account's password to a generated one-time password, printed once; the "
        "account must change it at its next login. The way to reset a 三员 account (三员分立: "
        "no web page lets one 三员 take over another)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"找不到账号 {username}")
        password = passwords.one_time_password()
        with acting_as(None, username="system:resetpassword"):
            passwords.reset_password(user, password, acting_user=None)
        self.stdout.write(f"账号 {username} 的一次性密码（只显示这一次，下次登录后必须修改）：")
        self.stdout.write(password)
