"""What every API view shares: the signed-in user or a 401, and service errors as 400s."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.request import Request

from portal.models import User


def signed_in_user(request: Request) -> User:
    """The user behind the token or session; 401 for an anonymous client."""
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise exceptions.NotAuthenticated()
    return user


@contextmanager
def service_errors(field: str = "non_field_errors") -> Iterator[None]:
    """Turn a service's refusal into the API's answer: a ValidationError or ValueError is
    a 400 naming the field (``field`` when the service names none), a PermissionDenied a
    403. Services check what forms cannot (state, concurrency), so clients see the same
    words as the web pages."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise exceptions.ValidationError(exc.message_dict) from None
        raise exceptions.ValidationError({field: exc.messages}) from None
    except ValueError as exc:
        raise exceptions.ValidationError({field: [str(exc)]}) from None
    except (DjangoPermissionDenied, PermissionError) as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from None
