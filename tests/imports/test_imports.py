"""Imports from Canny, UserVoice and Fider exports: a dry run that says what would be
created and every bad row by line, all or nothing, and nothing twice."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from ideas.models import Comment, Decision, Idea, ImportedRecord, OutboundEmail, Status, Vote
from ideas.services.imports import ideas_import
from portal.models import Product, Role, User
from tests.factories import make_product, make_user

pytestmark = pytest.mark.django_db

CANNY_POSTS = """\
ID,Title,Details,Board,Status,Author Name,Author Email,Created At,Voters
p1,Export to PDF,"We print reports
for the board every week.",Feature Requests,open,Ann Lee,ann@acme.test,2024-03-01T09:30:00Z,"ann@acme.test, bob@acme.test"
p2,Dark mode,<p>Easier on the <b>eyes</b> &amp; battery</p>,Feature Requests,closed,Bob,bob@acme.test,2024-03-02,bob@acme.test
"""  # noqa: E501 - rows as the export writes them
CANNY_COMMENTS = """\
Post ID,Author Name,Author Email,Comment,Created At
p1,Cy,cy@other.test,We need this too,2024-03-05T10:00:00Z
p1,Ann Lee,ann@acme.test,=HYPERLINK("http://evil.test"),2024-03-06T10:00:00Z
"""


@pytest.fixture
def product() -> Product:
    return make_product()


def test_a_dry_run_counts_what_would_be_created_and_saves_nothing(product: Product) -> None:
    result = ideas_import(product=product, source="canny", text=CANNY_POSTS, dry_run=True)
    assert result.ok
    assert (result.ideas_created, result.votes_created, result.users_created) == (2, 3, 2)
    assert result.summary.startswith("Dry run, nothing saved")
    assert not Idea.objects.exists()
    assert not User.objects.exists()


def test_canny_posts_import_with_voters_and_again_creates_nothing(product: Product) -> None:
    bob = make_user(email="bob@acme.test", name="Bob Existing")
    result = ideas_import(product=product, source="canny", text=CANNY_POSTS)
    assert result.ok, result.errors
    assert (result.ideas_created, result.votes_created, result.users_created) == (2, 3, 1)

    pdf = Idea.objects.get(product=product, title="Export to PDF")
    assert pdf.problem == "We print reports\nfor the board every week."
    assert pdf.status == Status.NEW
    assert pdf.created_at.isoformat() == "2024-03-01T09:30:00+00:00"
    assert pdf.author is not None
    assert pdf.author.email == "ann@acme.test"
    assert pdf.vote_count == 2
    assert set(pdf.votes.values_list("user__email", flat=True)) == {"ann@acme.test", bob.email}
    ann = User.objects.get(email="ann@acme.test")
    assert ann.name == "Ann Lee"
    assert not ann.has_usable_password()
    assert not EmailAddress.objects.filter(user=ann, verified=True).exists()

    dark = Idea.objects.get(product=product, title="Dark mode")
    assert dark.problem == "Easier on the eyes & battery"  # HTML reduced to its text
    assert dark.status == Status.DECLINED
    assert Decision.objects.get(idea=dark).reason.startswith("Declined in Canny")
    assert dark.author == bob  # matched, not duplicated
    assert OutboundEmail.objects.count() == 0  # history, not news

    again = ideas_import(product=product, source="canny", text=CANNY_POSTS)
    assert again.ok
    assert (again.ideas_created, again.ideas_existing, again.votes_created) == (0, 2, 0)
    assert Idea.objects.filter(product=product).count() == 2
    assert Vote.objects.count() == 3
    assert User.objects.count() == 2


def test_comments_import_after_their_posts_and_only_once(product: Product) -> None:
    ideas_import(product=product, source="canny", text=CANNY_POSTS)
    result = ideas_import(product=product, source="canny", text=CANNY_COMMENTS)
    assert result.ok, result.errors
    assert (result.kind, result.comments_created, result.users_created) == ("comments", 2, 1)
    pdf = Idea.objects.get(title="Export to PDF")
    assert [c.body for c in pdf.comments.order_by("created_at")] == [
        "We need this too",
        '=HYPERLINK("http://evil.test")',
    ]
    assert pdf.comment_count == 2
    assert ideas_import(product=product, source="canny", text=CANNY_COMMENTS).comments_created == 0
    assert Comment.objects.count() == 2


def test_every_bad_row_is_reported_by_line_and_nothing_is_imported(product: Product) -> None:
    text = (
        "ID,Title,Details,Status,Author Email,Created At,Voters\n"
        'p1,Fine,"two\nlines",open,ann@acme.test,2024-03-01,\n'  # lines 2-3
        "p2,,no title,open,,,\n"  # line 4
        "p3,Odd status,x,shipping,,,\n"  # line 5
        "p1,Same id,x,open,,,\n"  # line 6
        "p4,Bad people,x,open,not-an-email,yesterday,bob@acme.test;nobody\n"  # line 7
    )
    result = ideas_import(product=product, source="canny", text=text, dry_run=True)
    assert [str(e) for e in result.errors] == [
        "line 4: title: required.",
        "line 5: status: “shipping” is not one of closed, complete, in progress, open, "
        "planned, under review (or leave it empty).",
        "line 6: id: p1 is also on line 2.",
        "line 7: author email: “not-an-email” is not an email address.",
        "line 7: voters: “nobody” is not an email address.",
        "line 7: created at: “yesterday” is not a date like 2024-03-01T09:30:00Z.",
    ]
    assert result.summary == "6 problems in the file: nothing was imported."
    result = ideas_import(product=product, source="canny", text=text)
    assert not result.ok
    assert not Idea.objects.exists()
    assert not User.objects.exists()


def test_votes_and_comments_for_posts_never_imported_are_bad_rows(product: Product) -> None:
    result = ideas_import(product=product, source="canny", text=CANNY_COMMENTS)
    assert [e.line for e in result.errors] == [2, 3]
    assert "import the ideas file first" in result.errors[0].message
    assert not Comment.objects.exists()


def test_a_header_from_another_tool_is_refused_with_the_expected_columns(
    product: Product,
) -> None:
    result = ideas_import(product=product, source="fider", text=CANNY_COMMENTS)
    (error,) = result.errors
    assert error.line == 1
    assert "not one of Fider's exports" in error.message
    assert "“number” and “title”" in error.message


def test_uservoice_suggestions_supporters_and_comments(product: Product) -> None:
    suggestions = (
        "Suggestion ID,Title,Description,Status,Category,Creator Name,Creator Email,"
        "Created At,Status Message\n"
        "101,Bulk edit,Edit many rows at once,started,Admin,Di,di@corp.test,"
        "2023-11-02 08:00:00,\n"
        "102,Fax support,Send by fax,declined,Other,Ed,ed@corp.test,2023-11-03 08:00:00,"
        "Fax is out of scope for us.\n"
    )
    supporters = (
        "Suggestion ID,User Name,User Email,Created At\n"
        "101,Fe,fe@corp.test,2023-11-04 08:00:00\n"
        "101,Di,di@corp.test,2023-11-02 08:00:00\n"
        "101,Fe,FE@corp.test,2023-11-05 08:00:00\n"  # the same voter twice: one vote
    )
    comments = (
        "Comment ID,Suggestion ID,Text,User Email,User Name,Created At\n"
        "c9,101,Please!,fe@corp.test,Fe,2023-11-06 08:00:00\n"
    )
    assert ideas_import(product=product, source="uservoice", text=suggestions).ok
    result = ideas_import(product=product, source="uservoice", text=supporters)
    assert (result.kind, result.votes_created, result.users_created) == ("votes", 2, 1)
    assert ideas_import(product=product, source="uservoice", text=comments).comments_created == 1

    bulk = Idea.objects.get(title="Bulk edit")
    assert bulk.status == Status.IN_PROGRESS
    assert bulk.vote_count == 2
    assert bulk.comment_count == 1
    fax = Idea.objects.get(title="Fax support")
    assert fax.status == Status.DECLINED
    assert Decision.objects.get(idea=fax).reason == "Fax is out of scope for us."
    assert ideas_import(product=product, source="uservoice", text=supporters).votes_created == 0


def test_fider_posts_with_a_response_and_a_duplicate(product: Product) -> None:
    posts = (
        "number,title,description,created_at,created_by,votes_count,comments_count,status,"
        "responded_by,responded_at,response,original_number,original_title,tags\n"
        "10,Go is fast,Very tiny description,2018-03-23T19:33:22Z,Faceless,4,2,declined,"
        'John Snow,2018-04-04T19:48:10Z,Nothing we need to do,,,"easy, ignored"\n'
        "15,Go is great,,2018-02-21T15:51:35Z,Someone else,4,2,open,,,,,,\n"
        "20,Go is easy,,2018-01-12T01:46:59Z,Faceless,4,2,duplicate,Arya Stark,"
        "2018-03-17T10:15:42Z,This has already been suggested,15,Go is great,\n"
    )
    votes = (
        "post_number,user_email,user_name,created_at\n15,gi@fider.test,Gi,2018-02-22T00:00:00Z\n"
    )
    result = ideas_import(product=product, source="fider", text=posts)
    assert result.ok, result.errors
    assert result.ideas_created == 3
    fast = Idea.objects.get(title="Go is fast")
    assert (fast.status, fast.author) == (Status.DECLINED, None)
    assert Decision.objects.get(idea=fast).reason == "Nothing we need to do"
    easy = Idea.objects.get(title="Go is easy")
    great = Idea.objects.get(title="Go is great")
    assert (easy.status, easy.merged_into) == (Status.MERGED, great)
    assert ideas_import(product=product, source="fider", text=votes).votes_created == 1
    great.refresh_from_db()
    assert great.vote_count == 1
    assert ImportedRecord.objects.filter(source="fider", kind="idea").count() == 3


def test_the_same_ids_in_another_product_are_other_ideas(product: Product) -> None:
    other = make_product()
    ideas_import(product=product, source="canny", text=CANNY_POSTS)
    assert ideas_import(product=other, source="canny", text=CANNY_POSTS).ideas_created == 2


def test_only_the_products_pms_may_import(product: Product) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        ideas_import(product=product, source="canny", text=CANNY_POSTS, by=make_user(role=Role.PM))


def test_the_command_imports_checks_and_reports_bad_rows(product: Product, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "posts.csv"
    good.write_text(CANNY_POSTS, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_ideas", str(good), product=product.slug, source="canny", dry_run=True, stdout=out
    )
    assert "Dry run, nothing saved" in out.getvalue()
    assert not Idea.objects.exists()
    call_command("import_ideas", str(good), product=product.slug, source="canny", stdout=out)
    assert Idea.objects.count() == 2

    bad = tmp_path / "bad.csv"
    bad.write_text("ID,Title\np9,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ideas", str(bad), product=product.slug, source="canny", stderr=err)
    assert "line 2: title: required." in err.getvalue()
    with pytest.raises(CommandError, match="No product"):
        call_command("import_ideas", str(good), product="nope", source="canny")
