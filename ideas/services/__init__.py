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
from ideas.services.outbox import (
    email_enqueue,
    outbox_deliver,
    outbox_pending_ids,
)
from ideas.services.workflow import idea_set_status

__all__ = [
    "CONFIRM_MAX_AGE",
    "CONFIRM_SALT",
    "DIGEST_UNSUBSCRIBE_SALT",
    "SubmittedIdea",
    "comment_add",
    "email_enqueue",
    "follow_set",
    "idea_confirm",
    "idea_counters_rebuild",
    "idea_demand_refresh",
    "idea_set_status",
    "idea_submit",
    "ideas_with_opportunities_closed_since",
    "outbox_deliver",
    "outbox_pending_ids",
    "proxy_vote_record",
    "proxy_vote_withdraw",
    "sales_digest_send",
    "sales_digest_unsubscribe",
    "sales_digest_unsubscribe_token",
    "sales_digests_send_all",
    "vote_cast",
    "vote_withdraw",
]
