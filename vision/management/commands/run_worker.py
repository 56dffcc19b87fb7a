from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from vision import jobs


class Command(BaseCommand):
    """Work on the background jobs that vision.jobs.enqueue queued, until stopped (or, with --burst, until none
    is left). Refuses to start without REDIS_URL, where jobs never reach a queue."""

    help = (
        "Run a background-job worker (django-rq) on the queue in REDIS_URL (`make worker`). Without REDIS_URL jobs "
        "run inline in the web process and there is nothing for a worker to do."
    )

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Run the jobs waiting now, then stop.")
        parser.add_argument("--worker-class", help="RQ worker class (default rq.Worker: a child process per job).")

    def handle(self, *args, **options):
        if not jobs.is_queued():
            raise CommandError("REDIS_URL is not set: jobs run inline in the web process, so no worker is needed.")
        extra = {"worker_class": options["worker_class"]} if options["worker_class"] else {}
        call_command("rqworker", jobs.DEFAULT_QUEUE, burst=options["burst"], verbosity=options["verbosity"], **extra)
