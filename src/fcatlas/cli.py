"""The ``fcatlas`` command line: one subcommand for every batch job.

Each subcommand is a Django management command of an fcatlas app (``load-reference`` runs
``load_reference``), so the web app, the tests and the shell share one implementation.
"""

import os
import sys

import django
from django.core.management import execute_from_command_line, get_commands, load_command_class

DJANGO_COMMANDS_WE_EXPOSE = {"migrate", "createsuperuser", "changepassword", "db_worker", "makemessages",
                             "compilemessages"}


def fcatlas_commands() -> dict[str, str]:
    """Map each subcommand name (with dashes) to the app that implements it."""
    return {
        name.replace("_", "-"): app
        for name, app in sorted(get_commands().items())
        if app.startswith("fcatlas.") or name in DJANGO_COMMANDS_WE_EXPOSE
    }


def _usage(commands: dict[str, str]) -> str:
    lines = ["usage: fcatlas COMMAND [options]", "", "commands:"]
    for name, app in commands.items():
        help_text = load_command_class(app, name.replace("-", "_")).help.strip().splitlines()[0]
        lines.append(f"  {name:<20} {help_text}")
    lines += ["", "fcatlas COMMAND --help shows the options of one command."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fcatlas.settings")
    django.setup()
    commands = fcatlas_commands()
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(_usage(commands))
        return
    name = argv[0]
    if name not in commands:
        print(f"fcatlas: unknown command '{name}'\n\n{_usage(commands)}", file=sys.stderr)
        sys.exit(2)
    execute_from_command_line(["fcatlas", name.replace("-", "_"), *argv[1:]])
