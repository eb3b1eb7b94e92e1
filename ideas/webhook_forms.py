"""The webhook form of the PM area. The address itself is checked by the service, which
resolves it (see ideas.services.webhooks.resolve_webhook_url)."""

from __future__ import annotations

from django import forms

from ideas.services.webhooks import SUBSCRIBABLE


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Payload URL",
        max_length=500,
        assume_scheme="https",
        help_text="Where the portal sends a signed POST for each event, e.g. "
        "https://hooks.example.com/ideas.",
        error_messages={
            "required": "Give the address the portal should call.",
            "invalid": "Enter a full web address, like https://hooks.example.com/ideas.",
        },
    )
    description = forms.CharField(
        label="Description",
        max_length=120,
        required=False,
        help_text="Optional: what receives it, e.g. “Slack #product”.",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=[(e.value, e.label) for e in SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
