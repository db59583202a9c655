from django.core.management.base import BaseCommand, CommandError

from fcatlas.support.loading import LoadError, load_support


class Command(BaseCommand):
    help = "Load the self-assessment rubric versions and the starter knowledge library from data/support/."

    def handle(self, *args, **options):
        try:
            loaded = load_support()
        except LoadError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Självskattningsmallar: {loaded.rubrics_added} nya. Kunskapsbanken: "
                          f"{loaded.articles_added} nya underlag, {loaded.articles_kept} fanns redan.")
