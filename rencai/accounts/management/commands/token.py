from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from rencai.accounts.models import User
from rencai.accounts.tokens import token_expired
from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction


class Command(BaseCommand):
    help = (
        "Print the API token of a user (created on first use, replaced once expired): "
        "Authorization: Token <key>"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"找不到在用账号 {username}")
        token, created = Token.objects.get_or_create(user=user)
        if not created and token_expired(token):
            # An expired token is replaced, never revived: a new key for the new period.
            token.delete()
            token, created = Token.objects.create(user=user), True
        with acting_as(None, username="system:token"):
            record_event(AuditAction.TOKEN, obj=user, detail={"new": created})
        self.stdout.write(token.key)
