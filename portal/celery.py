"""The Celery application. Configured from Django settings (``CELERY_*``)."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # A task is acknowledged only when it has finished, and re-queued if its worker dies,
    # so a crash mid-task re-runs it (tasks are idempotent).
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        "visibility_timeout": settings.CELERY_VISIBILITY_TIMEOUT,
        # Look for messages of dead workers every interval (kombu's default scans only
        # every tenth interval, 100 s).
        "unacked_restore_interval": settings.CELERY_UNACKED_RESTORE_INTERVAL,
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    },
    # Publishing happens inside web requests: give up quickly when Redis is away. The
    # outbox sweep re-sends whatever was not delivered.
    task_publish_retry_policy={
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    },
    beat_schedule={
        "outbox-sweep": {
            "task": "ideas.tasks.sweep_outbox",
            "schedule": float(settings.OUTBOX_SWEEP_INTERVAL),
        },
        "webhooks-sweep": {
            "task": "ideas.tasks.sweep_webhooks",
            "schedule": 30.0,
        },
        "sales-digests": {
            "task": "ideas.tasks.send_sales_digests",
            "schedule": crontab(day_of_week="mon", hour=7, minute=0),
        },
        "review-digests": {
            "task": "roadmap.tasks.send_review_digests",
            "schedule": crontab(day_of_week="mon", hour=7, minute=30),
        },
        "revisit-declined-ideas": {
            "task": "ideas.tasks.revisit_declined_ideas",
            "schedule": crontab(hour=6, minute=0),
        },
        "rescore-all-products": {
            "task": "scoring.tasks.rescore_all_products",
            "schedule": crontab(hour=3, minute=30),
        },
        "refresh-expired-opportunities": {
            "task": "ideas.tasks.refresh_expired_opportunities",
            "schedule": crontab(hour=2, minute=15),
        },
    },
)
app.autodiscover_tasks()
