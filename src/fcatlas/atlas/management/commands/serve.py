import os
import subprocess
import sys

from django.core.management.base import BaseCommand


THREADS_PER_WORKER = 4


def default_workers() -> int:
    """One worker process per core this process may run on: each holds the demand layer and its own cache of
    answers, so more processes than cores cost memory and rebuilds without adding speed."""
    return max(1, len(os.sched_getaffinity(0)))


class Command(BaseCommand):
    help = ("Serve the web application with gunicorn on http://127.0.0.1:8000 (PORT overrides the port), with the "
            "task runner's worker beside it for mailings and other long work.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="worker processes (default: one per core)")
        parser.add_argument("--threads", type=int, default=THREADS_PER_WORKER,
                            help="threads per worker (gthread): a request waiting on the database or the disk "
                                 "does not hold a whole process")
        parser.add_argument("--no-task-worker", action="store_true",
                            help="do not start the task worker (run `fcatlas db-worker` elsewhere)")

    def handle(self, *args, host, port, workers, threads, no_task_worker, **options):
        env = os.environ | {"DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "fcatlas.settings")}
        worker = None if no_task_worker else subprocess.Popen(
            [sys.executable, "-m", "django", "db_worker", "--no-reload"], env=env)
        self.stdout.write(f"fcatlas serves on http://{host}:{port}/ with {workers} workers × {threads} threads "
                          "(Ctrl+C stops)"
                          + ("" if worker is None else "; the task worker runs beside it"))
        try:
            subprocess.run([sys.executable, "-m", "gunicorn", "fcatlas.wsgi:application", "--bind", f"{host}:{port}",
                            "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
                            "--access-logfile", "-"], env=env, check=False)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
