"""Forms of the scoring pages: ratings, goals, weights, alignment, presets, compare."""

from __future__ import annotations

from typing import Any

from django import forms

from scoring import engine
from scoring.models import Goal, Metric


class RatingForm(forms.Form):
    value = forms.TypedChoiceField(
        label="Rating", coerce=float, empty_value=None, required=False, choices=[]
    )

    def __init__(self, *args: Any, metric: Metric, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        values = engine.SCALE_VALUES[engine.Scale(metric.scale)]
        field = self.fields["value"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Not rated")] + [(f"{v:g}", f"{v:g}") for v in values]
        field.label = metric.name


class GoalForm(forms.Form):
    name = forms.CharField(label="Goal", max_length=120)
    description = forms.CharField(label="Description (optional)", required=False, max_length=500)
    weight = forms.IntegerField(
        label="Weight",
        min_value=0,
        max_value=10,
        initial=3,
        help_text="0 to 10: how much it matters against the other goals.",
    )
    time_frame = forms.CharField(label="Time frame (optional)", required=False, max_length=60)
    active = forms.BooleanField(label="Active", required=False, initial=True)

    @classmethod
    def for_goal(cls, goal: Goal, **kwargs: Any) -> GoalForm:
        return cls(
            initial={
                "name": goal.name,
                "description": goal.description,
                "weight": goal.weight,
                "time_frame": goal.time_frame,
                "active": goal.active,
            },
            prefix=f"goal-{goal.pk}",
            **kwargs,
        )


class WeightsForm(forms.Form):
    """One weight per metric of the scorecard (0 to 10, halves allowed)."""

    note = forms.CharField(
        label="Why (optional, kept in the history)", required=False, max_length=200
    )

    def __init__(
        self, *args: Any, metrics: list[Metric], goals: list[Goal] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics
        self.goals = goals or []
        for goal in self.goals:
            self.fields[f"g_{goal.pk}"] = forms.IntegerField(
                label=goal.name,
                min_value=0,
                max_value=10,
                initial=goal.weight,
                widget=forms.NumberInput(
                    attrs={"step": "1", "class": "form-control form-control-sm weight-input"}
                ),
                error_messages={
                    "min_value": "Goal weights are 0 to 10.",
                    "max_value": "Goal weights are 0 to 10.",
                },
            )
        for metric in metrics:
            self.fields[f"w_{metric.key}"] = forms.DecimalField(
                label=metric.name,
                min_value=0,
                max_value=10,
                decimal_places=1,
                initial=metric.weight,
                widget=forms.NumberInput(
                    attrs={"step": "0.5", "class": "form-control form-control-sm weight-input"}
                ),
                error_messages={
                    "min_value": "Weights cannot be negative.",
                    "max_value": "Keep weights between 0 and 10.",
                },
            )

    def weights(self) -> dict[str, float]:
        return {m.key: float(self.cleaned_data[f"w_{m.key}"]) for m in self.metrics}

    def goal_weights(self) -> dict[int, int]:
        return {g.pk: int(self.cleaned_data[f"g_{g.pk}"]) for g in self.goals}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(float(data.get(f"w_{m.key}") or 0) for m in self.metrics):
            raise forms.ValidationError("At least one metric needs a weight above zero.")
        return data


class PresetForm(forms.Form):
    preset = forms.ChoiceField(
        label="Start from a preset",
        choices=[(key, preset.name) for key, preset in engine.PRESETS.items()],
    )


class AlignmentForm(forms.Form):
    """How strongly an idea serves each active goal (0-3)."""

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"g_{goal.pk}"] = forms.TypedChoiceField(
                label=goal.name,
                coerce=int,
                choices=[
                    (0, "0 · not at all"),
                    (1, "1 · a little"),
                    (2, "2 · clearly"),
                    (3, "3 · directly"),
                ],
                required=False,
                empty_value="0",
            )


def parse_idea_ids(raw: str, *, limit: int = 4) -> list[int]:
    """'12, 15,x, 12' -> [12, 15]: numbers only, each once, at most ``limit``."""
    ids: list[int] = []
    for part in raw.split(","):
        part = part.strip()
        if part.isdigit() and int(part) not in ids:
            ids.append(int(part))
    return ids[:limit]
