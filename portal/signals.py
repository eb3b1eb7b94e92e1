"""Signals other apps listen to (they may not be imported from here: see DESIGN.md 3)."""

from django.dispatch import Signal

# Sent after commit-bound changes to accounts: ``account_ids`` whose ARR or users changed,
# ``user_ids`` whose account changed. Listeners refresh what they derive from accounts.
accounts_changed = Signal()
