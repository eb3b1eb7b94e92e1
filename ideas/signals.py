"""Signals other apps listen to (they may not be imported from here: see DESIGN.md 3)."""

from django.dispatch import Signal

# Sent inside the transaction that changed the stored demand of ``idea_ids`` (votes, proxy
# votes, accounts). Listeners defer their work to after the commit.
demand_changed = Signal()
