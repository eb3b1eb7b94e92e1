"""Signals other apps listen to (they may not be imported from here: see DESIGN.md 3)."""

from django.dispatch import Signal

# Sent after commit-bound changes to accounts: ``account_ids`` whose ARR or users changed,
# ``user_ids`` whose account changed. Listeners refresh what they derive from accounts.
accounts_changed = Signal()

# Sent inside the transaction that deletes ``user``, before the row goes. Listeners remove
# what is personal (votes, follows, addresses) and detach what stays (ideas, comments), keeping
# every stored count exact.
user_erasing = Signal()

# Sent to build a user's data export. Each listener returns a dict of sections (name to a
# JSON-serialisable list) describing what its app holds about ``user``.
user_data_requested = Signal()
