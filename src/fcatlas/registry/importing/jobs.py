"""Imports too big for a web request run as jobs of the task runner: the confirm step queues the staged plan and
returns at once; the worker writes exactly that plan, all or nothing, and keeps the outcome on the job."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .. import staging
from ..models import ImportJob
from .planning import ImportPlan, ImportRefused, apply_import

PURPOSE = "registry-import"
"""The staging purpose of the import page's checked files."""


def rows_to_write(plan: ImportPlan) -> int:
    return sum(1 for row in plan.rows if row.action != "unchanged")


def runs_as_job(plan: ImportPlan) -> bool:
    return rows_to_write(plan) >= settings.IMPORT_JOB_ROWS


def queue_import(token: str, plan: ImportPlan, filename: str, user) -> ImportJob:
    job = ImportJob.objects.create(token=token, filename=filename[:300], requested_by=user,
                                   rows=rows_to_write(plan))
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


@task()
def run_import(job_id: int) -> str:
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.finished:
        return job.status
    job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        staged = staging.load(job.token, job.requested_by, purpose=PURPOSE)
        result = apply_import(ImportPlan.from_json(staged.plan), user=job.requested_by,
                              source_detail=staged.filename)
    except staging.StagingError as error:
        job.status, job.message = ImportJob.Status.REFUSED, str(error)
    except ImportRefused as refusal:
        job.status, job.message, job.conflicts = ImportJob.Status.REFUSED, str(refusal), refusal.conflicts
    else:
        job.status = ImportJob.Status.DONE
        job.created, job.updated, job.unchanged = result.created, result.updated, result.unchanged
    if job.status == ImportJob.Status.DONE or job.conflicts:
        staging.discard(job.token, job.requested_by, purpose=PURPOSE)
    job.finished_at = timezone.now()
    job.save()
    return job.status
