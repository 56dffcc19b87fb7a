"""Background jobs: queued on Redis for a worker (`make worker`) when REDIS_URL is set, else run at once.

Callers write `jobs.enqueue(func, *args, **kwargs)` and need not know which: `make run` has no Redis and runs the
job inline, in the caller's process and transaction; production queues it through django-rq. `func` must be a
module-level function (a worker imports it by its dotted name) and its arguments picklable.
"""

import contextvars
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_QUEUE = "default"
logger = logging.getLogger(__name__)


def is_queued(queue=DEFAULT_QUEUE) -> bool:
    """Whether jobs sent to `queue` go to a worker (RQ_QUEUES names it) rather than run inline."""
    return queue in settings.RQ_QUEUES


def enqueue(func, *args, queue=DEFAULT_QUEUE, **kwargs):
    """Run `func(*args, **kwargs)` in the background; returns the RQ job's id, or None when it ran inline.

    Queued, the job is handed to Redis when the current database transaction commits (django-rq's
    `on_db_commit`), so the worker sees what the request wrote; a rolled-back request queues nothing. Inline,
    `func` runs now, inside that transaction, and its exception propagates to the caller.
    """
    if not is_queued(queue):
        func(*args, **kwargs)
        return None
    import django_rq

    # The id is chosen here: inside a transaction the job only exists in Redis once it commits.
    job_id = uuid.uuid4().hex
    # args= and kwargs= keep the function's own keyword arguments apart from RQ's (job_id, timeout, …).
    django_rq.get_queue(queue).enqueue(func, args=args, kwargs=kwargs, job_id=job_id)
    return job_id


# --- jobs with a state the person who asked for them can follow -------------------------------------------
#
# A BackgroundJob row holds what a job is, whose it is, and how it ended; it is written before and after the
# work, never inside the work's own transaction (an import writes everything in one transaction, which a failed
# row rolls back). The progress while it works goes to the cache (Redis whenever jobs are queued, since RQ
# needs it; shared by every app server) under the job's id: a cache write is outside every database
# transaction, so the count is visible while the import's transaction is open and survives its rollback. A
# second database connection would do the same on PostgreSQL, but on SQLite it cannot write while the
# import's connection holds the database's one write lock.

PROGRESS_TIMEOUT_SECONDS = 24 * 60 * 60
_current = contextvars.ContextVar("background_job", default=None)


def _progress_key(job_id):
    return f"job-progress:{job_id}"


def start(kind, owner, func, *args, subject="", total=0, **kwargs):
    """A BackgroundJob for `owner`, and `func(*args, **kwargs)` queued (or run now) to do it.

    `func` reports its progress with `report(done, total)` and returns the job's result (a JSON-able dict, or
    (dict, bytes) when it makes a file). An exception marks the job failed with its message; it is not raised.
    """
    from .models import BackgroundJob

    job = BackgroundJob.objects.create(kind=kind, owner=owner, subject=subject, total=total)
    enqueue(run, job.pk, f"{func.__module__}.{func.__qualname__}", args, kwargs)
    job.refresh_from_db()
    return job


def run(job_id, func_path, args, kwargs):
    """Do a job (in the worker, or inline): running → done with its result, or failed with the error's message."""
    from django.utils.module_loading import import_string

    from .models import BackgroundJob

    BackgroundJob.objects.filter(pk=job_id).update(state=BackgroundJob.State.RUNNING)
    token = _current.set(job_id)
    output = None
    try:
        # Its own (nested) transaction: inline, a failed job rolls back to here and the request goes on.
        with transaction.atomic():
            result = import_string(func_path)(*args, **kwargs)
    except Exception as error:  # a job's failure is reported to its owner, not lost in a worker's log
        logger.exception("background job %s failed", job_id)
        message = str(error) if _is_for_people(error) else _("処理中にエラーが起きました: %(error)s") % {"error": error}
        _keep_progress(job_id, done=None)  # how far it got, kept with the job
        BackgroundJob.objects.filter(pk=job_id).update(
            state=BackgroundJob.State.FAILED, message=message, finished_at=timezone.now()
        )
        return
    finally:
        _current.reset(token)
    if isinstance(result, tuple):
        result, output = result
    _keep_progress(job_id, done="all")
    BackgroundJob.objects.filter(pk=job_id).update(
        state=BackgroundJob.State.DONE, result=result or {}, output=output, finished_at=timezone.now()
    )


def _keep_progress(job_id, done):
    """Copy the cached progress to the job's row: `done="all"` (it finished), else the last count reported. A job
    started without a total takes the last reported one."""
    from .models import BackgroundJob

    job = BackgroundJob.objects.filter(pk=job_id)
    reported_done, reported_total, _phase = cache.get(_progress_key(job_id)) or (0, 0, "")
    job.filter(total=0).update(total=reported_total)
    if done == "all":
        job.update(done=F("total"))
    else:
        job.update(done=Least(reported_done, F("total")))


class JobError(Exception):
    """A job's failure whose message is for its owner as it stands (in Japanese)."""


def _is_for_people(error):
    """A JobError, or a file's refusal (vision.tabular.ImportFileError), says what to do in Japanese already."""
    from .tabular import ImportFileError

    return isinstance(error, (JobError, ImportFileError))


CHECKING, WRITING = "checking", "writing"
PHASES = {CHECKING: gettext_lazy("確認中"), WRITING: gettext_lazy("書き込み中")}


def report(done, total, phase=""):
    """The current job's progress (`done` of `total`, in `phase`: CHECKING, WRITING or none); nothing when no job
    is running in this context."""
    job_id = _current.get()
    if job_id is not None:
        cache.set(_progress_key(job_id), (min(done, total), total, phase), timeout=PROGRESS_TIMEOUT_SECONDS)


def in_job() -> bool:
    """Whether this code runs as a background job (started by `start`)."""
    return _current.get() is not None


def every(count, total, step=None):
    """Whether `count` (1-based) is a point to report progress at: about every 1%, and the last."""
    step = step or max(total // 100, 1)
    return count % step == 0 or count == total


def visible_job(user, job_id, kind=None, subject=None):
    """The job, when `user` may follow it (vision.roles.visible_jobs), else None. `kind`: one kind, or a tuple of
    the kinds it may be."""
    from . import roles
    from .models import BackgroundJob

    jobs = roles.visible_jobs(user, BackgroundJob.objects.defer("output"))
    if kind is not None:
        jobs = jobs.filter(kind__in=kind if isinstance(kind, tuple) else (kind,))
    if subject is not None:
        jobs = jobs.filter(subject=subject)
    return jobs.filter(pk=job_id).first() if str(job_id).isdigit() else None


def status(job) -> dict:
    """What a progress page shows: the state, the count done of the total, the percentage and the message."""
    done, total, phase = job.done, job.total, ""
    if not job.is_over:
        done, total, phase = cache.get(_progress_key(job.pk)) or (done, total, phase)
    percent = 100 if job.state == job.State.DONE else (done * 100 // total if total else 0)
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": str(PHASES.get(phase, job.get_state_display())),
        "done": done,
        "total": total,
        "percent": percent,
        "message": job.message,
        "over": job.is_over,
    }
