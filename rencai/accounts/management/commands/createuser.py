from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rencai.accounts.models import User
from rencai.accounts.roles import Role
from rencai.audit.context import acting_as
from rencai.orgs.models import OrgUnit


class Command(BaseCommand):
    help = "Create an account: --username U --password P --role ROLE --org 示范县/城关镇/东关村"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, help="、".join(Role.values))
        parser.add_argument("--org", required=True, help="组织路径，如 示范县/城关镇")
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--can-reveal", action="store_true")

    def handle(self, *args, username, password, role, org, name, can_reveal, **options):
        if role not in Role.values:
            raise CommandError(f"角色“{role}”无效，可选：{'、'.join(Role.values)}")
        unit = OrgUnit.objects.by_path_text(org)
        if unit is None:
            raise CommandError(f"找不到组织“{org}”，请写完整路径，如 示范县/城关镇")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"账号 {username} 已存在")
        # Typed by whoever runs the server (and kept in its shell history): the account
        # changes it at its first login. 三员 roles are given only here (三员分立).
        user = User(
            username=username,
            role=role,
            org=unit,
            display_name=name,
            can_reveal=can_reveal,
            must_change_password=True,
        )
        try:
            user.full_clean(exclude=["password"])
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        user.set_password(password)
        with acting_as(None, username="system:createuser"):
            user.save()
        self.stdout.write(f"已创建账号 {username}（{user.get_role_display()}，{unit.name_path}）")
