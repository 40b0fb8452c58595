"""CSV import of customers and transactions: checked whole first, then imported whole or not at all."""

from patronage.members.imports.jobs import (
    CheckReport,
    import_file_check,
    import_job_errors,
    import_job_get,
    import_job_list,
    import_job_notes,
    import_job_progress,
    import_job_run,
    import_job_start,
)
from patronage.members.uploads import import_files_sweep

__all__ = [
    "CheckReport",
    "import_file_check",
    "import_files_sweep",
    "import_job_errors",
    "import_job_get",
    "import_job_list",
    "import_job_notes",
    "import_job_progress",
    "import_job_run",
    "import_job_start",
]
