"""Background jobs of the registry, run by `fangkong worker` (django-tasks database backend)."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from django_tasks import task

from fangkong.registry.importing import ImportFileError, import_people
from fangkong.registry.models import ImportJob


@task()
def run_import_job(job_id: int) -> str:
    job = ImportJob.objects.select_related("community", "created_by").get(pk=job_id)
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.RUNNING, phase="reading")

    def progress(phase: str, done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(phase=phase, done=done, total=total)

    path = Path(job.stored_path)
    try:
        result = import_people(actor=job.created_by, community=job.community, path=path, progress=progress)
    except ImportFileError as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.REJECTED, finished_at=timezone.now(), errors=[e.as_dict() for e in exc.errors()],
        )
        return ImportJob.Status.REJECTED
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.FAILED, finished_at=timezone.now())
        raise
    finally:
        path.unlink(missing_ok=True)  # the upload holds personal data: keep it no longer than the job
    status = ImportJob.Status.DONE if result.ok else ImportJob.Status.REJECTED
    ImportJob.objects.filter(pk=job_id).update(
        status=status, finished_at=timezone.now(), errors=[e.as_dict() for e in result.errors],
        summary={"rows": result.rows, "households": result.households_created,
                 "people": result.people_created, "tenancies": result.tenancies_created},
    )
    return status
