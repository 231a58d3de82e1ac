"""The export job, run by `fangkong worker` (django-tasks): writes the file of one queued export.
The work is ledgers.services.export_write; the task only carries the export's id."""

from __future__ import annotations

from django_tasks import task

from fangkong.ledgers.jobs import export_write, exports_expire


@task()
def run_export(export_id: int) -> str:
    export = export_write(export_id)
    return export.status if export is not None else "skipped"


@task()
def run_exports_expire() -> int:
    """Delete expired export files (also done after every export and on the downloads page)."""
    return exports_expire()
