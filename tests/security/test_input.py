"""Oversize and malformed input: huge bodies, bad UTF-8, wrong types in query strings,
negative and enormous ids, a 10 MB CSV. Each gets a 4xx or a page that ignores the nonsense,
with a clear message, and never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ideas.models import Comment
from portal.models import Account, Role
from tests.factories import make_user
from tests.security.conftest import Target


@pytest.fixture
def pm_client(target: Target) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(target.pm)
    return client


def test_a_body_over_the_upload_limit_is_refused_with_400(
    target: Target, pm_client: Client
) -> None:
    url = f"/p/{target.product.slug}/ideas/{target.idea.pk}/comments/"
    before = Comment.objects.count()
    response = pm_client.post(url, {"body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert response.status_code == 400
    assert b"too large" in response.content.lower()
    assert Comment.objects.count() == before


def test_too_many_form_fields_are_refused_with_400(target: Target, pm_client: Client) -> None:
    url = f"/pm/{target.product.slug}/bulk/"
    fields = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10))
    response = pm_client.post(url, fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_bad_utf8_in_a_form_body_is_not_a_500(target: Target, pm_client: Client) -> None:
    url = f"/p/{target.product.slug}/ideas/{target.idea.pk}/comments/"
    response = pm_client.post(
        url, b"body=%ff%fe%c3%28+caf%e9", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in {302, 400}
    response = pm_client.post(
        url, b"body=\xff\xfe\xc3\x28", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in {302, 400}


QUERIES = [
    "/p/{p}/?q=%ff%fe%c3%28",
    "/p/{p}/?sort=%00&status=%ff&category=../../etc",
    "/p/{p}/?after=garbage",
    "/p/{p}/?after=-1",
    "/p/{p}/?after=" + "9" * 80,
    "/p/{p}/?after=eyJ4IjogMX0",
    "/p/{p}/?page=abc",
    "/p/{p}/ideas/similar/?title=%ff%00",
    "/pm/{p}/?status=bogus&assignee=-1&theme=abc&page=abc",
    "/pm/{p}/?status=%ff&q=%00",
    "/pm/{p}/scores/?sort=abc&page=-1&after=garbage",
    "/pm/{p}/compare/?ideas=-1,abc,,9999999999999999999999",
    "/pm/{p}/compare/?ideas=%ff",
    "/pm/{p}/roadmap/?release=abc",
    "/pm/{p}/audit/?page=abc&action=%ff&actor=%00",
    "/pm/{p}/themes/?weeks=-5",
    "/p/{p}/ideas/{i}/proxy-votes/?account=-1",
    "/p/{p}/ideas/{i}/proxy-votes/?account=abc",
    "/sales/?page=abc&sort=-1",
    "/sales/accounts/options/?q=%ff",
    "/p/{p}/ideas/new/?title=%ff&account=-1",
    "/p/{p}/ideas/confirm/%ff/",
    "/p/{p}/ideas/unsubscribe/garbage/",
    "/sales/digest/unsubscribe/garbage/",
]


@pytest.mark.parametrize("query", QUERIES)
def test_nonsense_in_a_query_string_is_never_a_500(
    target: Target, pm_client: Client, query: str
) -> None:
    response = pm_client.get(query.format(p=target.product.slug, i=target.idea.pk))
    assert response.status_code < 500, response.content[:500]
    assert response.status_code in {200, 302, 400, 404}


PATHS = [
    "/p/{p}/ideas/-1/",
    "/p/{p}/ideas/0/",
    "/p/{p}/ideas/99999999999999999999/",
    "/p/{p}/ideas/9223372036854775808/vote/",
    "/pm/{p}/ideas/99999999999999999999/",
    "/pm/{p}/merges/99999999999999999999/undo/",
    "/pm/{p}/roadmap/items/99999999999999999999/",
    "/pm/{p}/review/99999999999999999999/",
    "/pm/{p}/scorecard/goals/99999999999999999999/",
    "/sales/accounts/99999999999999999999/",
    "/p/{p}/ideas/{i}/proxy-votes/99999999999999999999/withdraw/",
]


@pytest.mark.parametrize("path", PATHS)
def test_negative_and_enormous_ids_are_a_404(target: Target, pm_client: Client, path: str) -> None:
    url = path.format(p=target.product.slug, i=target.idea.pk)
    for method in ("get", "post"):
        response = getattr(pm_client, method)(url)
        assert response.status_code in {404, 405}, (method, url, response.status_code)


@pytest.mark.parametrize(
    "data",
    [
        {"status": "planned", "note": "x" * 100_000},
        {"status": ["planned", "shipped"]},
        {"status": "%00"},
    ],
)
def test_wrong_values_in_a_form_are_a_400_beside_the_field(
    target: Target, pm_client: Client, data: dict[str, Any]
) -> None:
    url = f"/pm/{target.product.slug}/ideas/{target.idea.pk}/status/"
    response = pm_client.post(url, data)
    assert response.status_code in {302, 400}


def test_a_10_mb_csv_import_is_refused_with_a_clear_message(db: None) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(role=Role.ADMIN, is_staff=True, is_superuser=True))
    row = "Acme,acme.test,1000,,,\n"
    body = "name,domains,arr,segment,renewal_date,owner_email\n" + row * (
        10 * 1024 * 1024 // len(row)
    )
    upload = SimpleUploadedFile("accounts.csv", body.encode(), content_type="text/csv")

    response = client.post("/admin/portal/account/import/", {"file": upload})

    assert response.status_code == 400
    assert b"larger than" in response.content
    assert not Account.objects.filter(name="Acme").exists()
