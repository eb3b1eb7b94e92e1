"""WSGI entry point for gunicorn: ``gunicorn portal.wsgi``."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# The objects loaded so far (Django, the apps, the URL and template machinery) live as long
# as the worker: leave them out of every garbage collection, and collect the youngest
# generation less often. A request allocates thousands of short-lived objects; with the
# defaults a large share of its time went to collections that found nothing to free.
gc.collect()
gc.freeze()
gc.set_threshold(20_000, 20, 20)
