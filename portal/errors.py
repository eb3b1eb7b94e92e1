"""Error pages. They render without the database, which may be the thing that failed."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

# Seconds a client (or a load balancer) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 10


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a database that cannot be reached (restarting, failing over, out
    of connections) is a 503 with a plain apology and Retry-After, not a server error.
    Django calls this while handling the exception, so ``sys.exc_info`` names it. The
    next request reconnects by itself (``CONN_HEALTH_CHECKS``)."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        # No request context: context processors would query the database again.
        body = loader.get_template("503.html").render()
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
