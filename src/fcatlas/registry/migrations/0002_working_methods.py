from django.db import migrations

from fcatlas.registry.working_methods import install


def add_working_methods(apps, schema_editor):
    install(apps.get_model("registry", "WorkingMethod"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add_working_methods, migrations.RunPython.noop)]
