"""vision/jobs.py: inline without Redis (make run), queued for a worker with it (production)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from rq import Queue, SimpleWorker, Worker
from rq.job import Job

from vision import jobs

CALLS = []


def add(a, b, *, extra=0):
    """A job: module level, so a worker imports it by name."""
    CALLS.append((a, b, extra))
    return a + b + extra


def fail():
    raise ValueError("the job failed")


class _WithoutCommandChannel:
    """A worker without the pub/sub channel that takes stop and kill commands: when a burst worker quits within
    milliseconds of subscribing, redis-py 8 can hold its unsubscribe for the channel's full 60 s read timeout."""

    def subscribe(self):
        pass

    def unsubscribe(self):
        pass


class TestSimpleWorker(_WithoutCommandChannel, SimpleWorker):
    """Runs each job in this process."""

    __test__ = False


class TestForkingWorker(_WithoutCommandChannel, Worker):
    """Forks a child per job, as `make worker`'s does."""

    __test__ = False


@pytest.fixture(autouse=True)
def no_calls():
    CALLS.clear()


@pytest.fixture
def inline(settings):
    """What settings.py sets without REDIS_URL."""
    settings.RQ_QUEUES = {}


def test_without_redis_a_job_runs_at_once_in_the_caller(inline):
    assert not jobs.is_queued()

    assert jobs.enqueue(add, 2, 3, extra=4) is None

    assert CALLS == [(2, 3, 4)]


def test_without_redis_a_failing_job_fails_the_caller(inline):
    with pytest.raises(ValueError, match="the job failed"):
        jobs.enqueue(fail)


def test_the_worker_command_refuses_to_start_without_redis(inline):
    with pytest.raises(CommandError, match="REDIS_URL"):
        call_command("run_worker", burst=True)


@pytest.mark.redis
def test_with_redis_a_job_waits_for_a_worker_and_runs_there(rq_on_test_redis):
    assert jobs.is_queued()

    job_id = jobs.enqueue(add, 2, 3, extra=4)

    assert CALLS == []  # not run by the caller
    queue = Queue("default", connection=rq_on_test_redis)
    assert queue.job_ids == [job_id]
    assert TestSimpleWorker([queue], connection=rq_on_test_redis).work(burst=True)
    job = Job.fetch(job_id, connection=rq_on_test_redis)
    assert job.is_finished
    assert job.return_value() == 9
    assert CALLS == [(2, 3, 4)]


@pytest.mark.redis
def test_a_failed_job_is_kept_as_failed(rq_on_test_redis):
    job_id = jobs.enqueue(fail)

    TestSimpleWorker([Queue("default", connection=rq_on_test_redis)], connection=rq_on_test_redis).work(burst=True)

    job = Job.fetch(job_id, connection=rq_on_test_redis)
    assert job.is_failed
    assert "the job failed" in job.latest_result().exc_string


@pytest.mark.redis
@pytest.mark.django_db
def test_a_job_enqueued_in_a_transaction_is_queued_when_it_commits(
    rq_on_test_redis, django_capture_on_commit_callbacks
):
    queue = Queue("default", connection=rq_on_test_redis)

    with django_capture_on_commit_callbacks(execute=True):
        job_id = jobs.enqueue(add, 1, 1)
        assert queue.count == 0  # a worker must not look for rows the request has not committed

    assert queue.job_ids == [job_id]


@pytest.mark.redis
@pytest.mark.django_db
def test_a_job_enqueued_in_a_transaction_that_rolls_back_is_never_queued(rq_on_test_redis):
    queue = Queue("default", connection=rq_on_test_redis)

    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue(add, 1, 1)
        raise RuntimeError("the request failed")

    assert queue.count == 0


@pytest.mark.redis
def test_make_worker_runs_the_waiting_jobs(rq_on_test_redis):
    first, second = jobs.enqueue(add, 1, 2), jobs.enqueue(add, 3, 4)

    # The command `make worker` runs; --burst stops it once the queue is empty.
    call_command("run_worker", burst=True, worker_class=f"{__name__}.TestForkingWorker", verbosity=0)

    assert [Job.fetch(job_id, connection=rq_on_test_redis).return_value() for job_id in (first, second)] == [3, 7]
