from django.core.management.base import BaseCommand, CommandError

from fcatlas.accounts.roles import RoleError
from fcatlas.support.team import grant_unit_staff


class Command(BaseCommand):
    help = "Make a person staff at one unit, who fills in that unit's self-assessment."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("unit", type=int, help="the unit's number, as in /enheter/<nummer>/")

    def handle(self, *args, username, unit, **options):
        try:
            membership = grant_unit_staff(username, unit)
        except RoleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{username} är nu personal vid {membership.user.unit_staff.unit}.")
