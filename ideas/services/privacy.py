"""A user's data in the ideas app: what their export holds, and what their deletion does.

Both run from portal signals (``user_data_requested``, ``user_erasing``), so the account
page and the admin reach them without portal importing ideas (DESIGN.md 3)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from ideas.models import (
    Comment,
    Follow,
    Idea,
    Mute,
    OutboundEmail,
    ProxyVote,
    ProxyVoteRevision,
    Vote,
)
from ideas.services.intake import vote_withdraw
from portal.models import User


def user_ideas_data(*, user: User) -> dict[str, list[dict[str, object]]]:
    """The export sections of the ideas app: what the user wrote, voted for and follows,
    and the proxy votes sales recorded naming them as the contact. Six queries."""
    email = user.email.lower()
    ideas = Idea.objects.filter(Q(author=user) | Q(author_email__iexact=email)).select_related(
        "product"
    )
    votes = Vote.objects.filter(user=user).select_related("idea", "idea__product")
    comments = Comment.objects.filter(author=user).select_related("idea", "idea__product")
    follows = Follow.objects.filter(user=user).select_related("idea", "idea__product")
    proxies = ProxyVote.objects.filter(
        Q(contact=user) | Q(contact_email__iexact=email)
    ).select_related("idea", "idea__product", "account")
    return {
        "ideas": [
            {
                "id": i.pk,
                "product": i.product.slug,
                "title": i.title,
                "problem": i.problem,
                "workaround": i.workaround,
                "importance": i.importance,
                "status": i.status,
                "created_at": i.created_at,
            }
            for i in ideas.order_by("pk")
        ],
        "votes": [
            {
                "idea": v.idea_id,
                "product": v.idea.product.slug,
                "title": v.idea.title,
                "importance": v.importance,
                "created_at": v.created_at,
            }
            for v in votes.order_by("pk")
        ],
        "comments": [
            {
                "id": c.pk,
                "idea": c.idea_id,
                "product": c.idea.product.slug,
                "body": c.body,
                "internal": c.is_internal,
                "created_at": c.created_at,
            }
            for c in comments.order_by("pk")
        ],
        "follows": [
            {"idea": f.idea_id, "product": f.idea.product.slug, "since": f.created_at}
            for f in follows.order_by("pk")
        ],
        "proxy_votes_about_you": [
            {
                "idea": p.idea_id,
                "product": p.idea.product.slug,
                "account": p.account.name,
                "importance": p.importance,
                "source": p.source,
                "note": p.note,
                "contact_name": p.contact_name,
                "contact_email": p.contact_email,
                "recorded_at": p.created_at,
            }
            for p in proxies.order_by("pk")
        ],
    }


def user_ideas_erase(*, user: User) -> None:
    """Before a user's row is deleted: withdraw their votes through the vote service (so
    counts, demand and, after commit, scores follow), detach their ideas and comments
    (shown as a former user's), and remove their follows, mutes, pending and past emails,
    and their name and address on proxy votes recorded about them. The proxy votes stay:
    they are the account's demand, recorded by sales."""
    email = user.email.lower()
    with transaction.atomic():
        # Idea by idea in id order, as every vote write locks its idea: no deadlock with a
        # concurrent voter.
        for vote in Vote.objects.filter(user=user).select_related("idea").order_by("idea_id"):
            vote_withdraw(idea=vote.idea, user=user)
        Idea.objects.filter(Q(author=user) | Q(author_email__iexact=email)).update(
            author=None, author_email=""
        )
        Comment.objects.filter(author=user).update(author=None)
        Follow.objects.filter(user=user).delete()
        Mute.objects.filter(email__iexact=email).delete()
        OutboundEmail.objects.filter(to__iexact=email).delete()
        ProxyVote.objects.filter(Q(contact=user) | Q(contact_email__iexact=email)).update(
            contact=None, contact_name="", contact_email=""
        )
        ProxyVoteRevision.objects.filter(contact_email__iexact=email).update(
            contact_name="", contact_email=""
        )
