import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application with gunicorn on http://127.0.0.1:8000 (PORT overrides the port)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, host, port, workers, **options):
        self.stdout.write(f"fcatlas serves on http://{host}:{port}/ (Ctrl+C stops)")
        os.execv(sys.executable, [
            sys.executable, "-m", "gunicorn", "fcatlas.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
        ])
