from django.db import migrations

from fcatlas.registry.working_methods import INITIAL_WORKING_METHODS


def add_working_methods(apps, schema_editor):
    WorkingMethod = apps.get_model("registry", "WorkingMethod")
    for code, name, description, parent in INITIAL_WORKING_METHODS:
        WorkingMethod.objects.update_or_create(code=code, defaults={
            "name": name, "description": description,
            "parent": WorkingMethod.objects.get(code=parent) if parent else None,
        })


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add_working_methods, migrations.RunPython.noop)]
