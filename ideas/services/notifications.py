"""Who hears about a change to an idea, and the emails they get (through the outbox).

Everyone who asked hears about status changes, decisions and merges: the author, voters,
followers, the contacts sales recorded, and the owners of the accounts that asked (who get
the internal view). Followers and voters hear about new public comments. Nobody gets two
emails about one change, nobody hears about their own change, and a muted address hears
nothing more about that idea.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from ideas.models import Comment, Follow, Idea, Merge, Mute, ProxyVote, StatusChange, Vote
from ideas.services.outbox import email_enqueue
from portal.models import Account, User

UNSUBSCRIBE_SALT = "ideas.idea-emails-unsubscribe"


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    internal: bool  # account owners: sales, who may see the internal view


def unsubscribe_token(*, idea_id: int, email: str) -> str:
    return signing.dumps({"idea": idea_id, "email": email.lower()}, salt=UNSUBSCRIBE_SALT)


def idea_unsubscribe(*, token: str) -> Mute:
    """Stop emails about one idea to the address the signed token names (idempotent)."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    idea = Idea.objects.get(pk=data["idea"])
    mute, _ = Mute.objects.get_or_create(idea=idea, email=data["email"])
    Follow.objects.filter(idea=idea, user__email__iexact=data["email"]).delete()
    return mute


def recipients_for(
    idea: Idea, *, actor: User | None, everyone_who_asked: bool = True
) -> list[Recipient]:
    """The people to tell about a change to ``idea``, each address once.

    ``everyone_who_asked`` adds voters, recorded contacts and account owners to the
    followers and the author (status changes, decisions, merges); without it only
    followers hear (new comments)."""
    people: dict[str, Recipient] = {}

    def add(email: str, name: str, *, internal: bool = False) -> None:
        key = email.strip().lower()
        if not key:
            return
        known = people.get(key)
        people[key] = Recipient(
            email=key, name=name or key, internal=internal or bool(known and known.internal)
        )

    users = User.objects.filter(is_active=True)
    for user in users.filter(follows__idea=idea):
        add(user.email, user.display_name)
    if everyone_who_asked:
        if idea.author_id is not None:
            for user in users.filter(pk=idea.author_id):
                add(user.email, user.display_name)
        elif idea.author_email:
            add(idea.author_email, "")
        for user in users.filter(pk__in=Vote.objects.filter(idea=idea).values("user_id")):
            add(user.email, user.display_name)
        for proxy in ProxyVote.objects.filter(idea=idea).select_related("contact"):
            if proxy.contact is not None and proxy.contact.is_active:
                add(proxy.contact.email, proxy.contact.display_name)
            elif proxy.contact_email:
                add(proxy.contact_email, proxy.contact_name)
        asking_accounts = Account.objects.filter(proxy_votes__idea=idea) | Account.objects.filter(
            users__votes__idea=idea
        )
        for owner in users.filter(owned_accounts__in=asking_accounts).distinct():
            add(owner.email, owner.display_name, internal=True)
    muted = {m.lower() for m in Mute.objects.filter(idea=idea).values_list("email", flat=True)}
    if actor is not None:
        muted.add(actor.email.lower())
    return [r for key, r in sorted(people.items()) if key not in muted]


def _context(idea: Idea, recipient: Recipient) -> dict[str, object]:
    return {
        "idea": idea,
        "product": idea.product,
        "recipient": recipient,
        "idea_path": reverse("ideas:detail", args=[idea.product.slug, idea.pk]),
        "unsubscribe_path": reverse(
            "ideas:unsubscribe",
            args=[idea.product.slug, unsubscribe_token(idea_id=idea.pk, email=recipient.email)],
        ),
    }


def notify_status_change(*, change: StatusChange, actor: User | None) -> int:
    """Tell everyone who asked that the idea moved, with the explanation (for a decline:
    kind, reason and workaround). Call inside the change's transaction."""
    idea = change.idea
    decision = (
        idea.decisions.order_by("-decided_at", "-id").first()
        if change.to_status == "declined"
        else None
    )
    count = 0
    for recipient in recipients_for(idea, actor=actor):
        email_enqueue(
            to=recipient.email,
            template="idea_status",
            context={**_context(idea, recipient), "change": change, "decision": decision},
            reason="idea_status",
            dedupe_key=f"status:{change.pk}:{recipient.email}",
        )
        count += 1
    return count


def notify_merge(*, merge: Merge, actor: User | None) -> int:
    """Tell everyone who asked for the duplicate where the conversation continues."""
    count = 0
    for recipient in recipients_for(merge.source, actor=actor):
        email_enqueue(
            to=recipient.email,
            template="idea_merged",
            context={
                **_context(merge.source, recipient),
                "target": merge.target,
                "target_path": reverse(
                    "ideas:detail", args=[merge.target.product.slug, merge.target.pk]
                ),
            },
            reason="idea_merged",
            dedupe_key=f"merge:{merge.pk}:{recipient.email}",
        )
        count += 1
    return count


def notify_comment(*, comment: Comment) -> int:
    """Tell followers about a new public comment. Internal comments are never emailed."""
    if comment.is_internal:
        return 0
    idea = comment.idea
    count = 0
    for recipient in recipients_for(idea, actor=comment.author, everyone_who_asked=False):
        email_enqueue(
            to=recipient.email,
            template="idea_comment",
            context={**_context(idea, recipient), "comment": comment},
            reason="idea_comment",
            dedupe_key=f"comment:{comment.pk}:{recipient.email}",
        )
        count += 1
    return count
