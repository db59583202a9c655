from django.core.management.base import BaseCommand, CommandError

from fcatlas.accounts.models import Role
from fcatlas.accounts.roles import RoleError, describe, grant_role


class Command(BaseCommand):
    help = ("Give a person a role: national_administrator, support_officer, regional_coordinator (--region), "
            "municipal_coordinator (--kommun) or reader. Staff of a unit get theirs with grant-unit-staff.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=[role for role in Role.values if role != Role.UNIT_STAFF])
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--region", help="region code, e.g. 12")
        scope.add_argument("--kommun", dest="municipality", help="kommun code, e.g. 1280")

    def handle(self, *args, username, role, region, municipality, **options):
        try:
            membership = grant_role(username, role, region=region, municipality=municipality)
        except RoleError as error:
            raise CommandError(str(error)) from None
        role_text = describe(membership)
        self.stdout.write(f"{username} är nu {role_text[:1].lower()}{role_text[1:]}.")
