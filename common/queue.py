"""Queueing Celery tasks from a request, so that a broker that cannot be reached is a message on
the page, never a 500.

Publishing raises kombu's OperationalError (celery re-exports it) when the broker is down: kombu
wraps the transport's connection errors (redis-py's ConnectionError, refused or timed-out sockets)
in it. Tasks queued this way must not store results (`ignore_result=True`): with a result backend,
publishing first subscribes to the result channel, and against an unreachable Redis that retries
for about twenty seconds and then raises a RuntimeError instead.
"""

import logging

from celery.exceptions import OperationalError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

QUEUE_UNAVAILABLE = _("任务队列暂时不可用，请稍后再试。")


def enqueue(task, *args, **kwargs) -> bool:
    """Queue `task` with ids and strings (STYLE.md #6) now; False when the broker cannot be
    reached (logged), so the caller can tell the user. Call it once the writes the task reads
    have been committed. With CELERY_TASK_ALWAYS_EAGER the task runs here and its own errors
    propagate."""
    try:
        task.delay(*args, **kwargs)
    except OperationalError:
        logger.exception("could not queue %s: the broker is unreachable", task.name)
        return False
    return True
