"""Background jobs: queued on Redis for a worker (`make worker`) when REDIS_URL is set, else run at once.

Callers write `jobs.enqueue(func, *args, **kwargs)` and need not know which: `make run` has no Redis and runs the
job inline, in the caller's process and transaction; production queues it through django-rq. `func` must be a
module-level function (a worker imports it by its dotted name) and its arguments picklable.
"""

import uuid

from django.conf import settings

DEFAULT_QUEUE = "default"


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
