"""Writes for ideas. Every change goes through a function here (see STYLE.md)."""

from ideas.services.demand import (
    idea_demand_refresh,
    ideas_with_opportunities_closed_since,
    proxy_vote_record,
    proxy_vote_withdraw,
)
from ideas.services.digest import (
    DIGEST_UNSUBSCRIBE_SALT,
    sales_digest_send,
    sales_digest_unsubscribe,
    sales_digest_unsubscribe_token,
    sales_digests_send_all,
)
from ideas.services.intake import (
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    SubmittedIdea,
    comment_add,
    follow_set,
    idea_confirm,
    idea_counters_rebuild,
    idea_submit,
    vote_cast,
    vote_withdraw,
)
from ideas.services.notifications import UNSUBSCRIBE_SALT, idea_unsubscribe, recipients_for
from ideas.services.outbox import (
    email_enqueue,
    outbox_deliver,
    outbox_pending_ids,
)
from ideas.services.scores import idea_scores_store
from ideas.services.workflow import (
    decisions_revisit_due,
    idea_approve,
    idea_assign,
    idea_decline,
    idea_merge,
    idea_set_status,
    idea_unmerge,
    ideas_bulk_assign,
    ideas_bulk_merge,
    ideas_bulk_set_status,
    ideas_tag,
    theme_create,
)

__all__ = [
    "CONFIRM_MAX_AGE",
    "CONFIRM_SALT",
    "DIGEST_UNSUBSCRIBE_SALT",
    "UNSUBSCRIBE_SALT",
    "SubmittedIdea",
    "comment_add",
    "decisions_revisit_due",
    "email_enqueue",
    "follow_set",
    "idea_approve",
    "idea_assign",
    "idea_confirm",
    "idea_counters_rebuild",
    "idea_decline",
    "idea_demand_refresh",
    "idea_merge",
    "idea_scores_store",
    "idea_set_status",
    "idea_submit",
    "idea_unmerge",
    "idea_unsubscribe",
    "ideas_bulk_assign",
    "ideas_bulk_merge",
    "ideas_bulk_set_status",
    "ideas_tag",
    "ideas_with_opportunities_closed_since",
    "outbox_deliver",
    "outbox_pending_ids",
    "proxy_vote_record",
    "proxy_vote_withdraw",
    "recipients_for",
    "sales_digest_send",
    "sales_digest_unsubscribe",
    "sales_digest_unsubscribe_token",
    "sales_digests_send_all",
    "theme_create",
    "vote_cast",
    "vote_withdraw",
]
