"""Questionnaire forms for the portal, built from the question sets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from ketaclinic.accounts.models import User
from ketaclinic.clinical.limits import MIDAS_DAYS
from ketaclinic.core.errors import InputRefused
from ketaclinic.core.widgets import DateInput
from ketaclinic.instruments import actions
from ketaclinic.instruments.items import QuestionSet
from ketaclinic.instruments.models import QuestionnaireResponse
from ketaclinic.patients.models import Patient


class QuestionnaireForm(forms.Form):
    """One field per item: radio buttons, or a number of days for MIDAS."""

    def __init__(self, *args: Any, questions: QuestionSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for index, text in enumerate(questions.items, start=1):
            if questions.choices is None:
                field: forms.Field = forms.IntegerField(
                    label=text,
                    min_value=int(MIDAS_DAYS.minimum),
                    max_value=int(MIDAS_DAYS.maximum),
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
            else:
                choices = (
                    questions.item_choices[index - 1]
                    if questions.item_choices is not None
                    else questions.choices
                )
                field = forms.ChoiceField(
                    label=text,
                    choices=[(str(value), label) for value, label in choices],
                    widget=forms.RadioSelect,
                )
            self.fields[f"item{index}"] = field

    def answers(self) -> list[Any]:
        values = [self.cleaned_data[f"item{i}"] for i in range(1, len(self.questions.items) + 1)]
        if self.questions.choices is None or self.questions.instrument == "hit6":
            return values
        return [int(value) for value in values]


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: phoned the patient, safety plan agreed, referred to crisis team.",
        max_length=2000,
    )


class PlanForm(forms.Form):
    start_date = forms.DateField(label="Schedule starts", widget=DateInput())


class CourseForm(forms.Form):
    start_date = forms.DateField(label="Course starts", widget=DateInput())
    end_date = forms.DateField(
        label="Course ends",
        required=False,
        widget=DateInput(),
        help_text="Leave empty while unknown.",
    )
    label = forms.CharField(label="Label", max_length=80, required=False)


class CancelCourseForm(forms.Form):
    reason = forms.CharField(label="Why it was cancelled", max_length=240)


def submit_answers(
    request: HttpRequest,
    form: QuestionnaireForm,
    *,
    actor: User,
    patient: Patient,
    instrument: str,
) -> tuple[QuestionnaireResponse | None, int]:
    """Score and store the answers of a posted form, for the portal and for staff alike.

    Returns the stored response, or None and the status to render the form again with: 200 when
    nothing was posted, 422 when the form or the scoring rule refused the answers (the rule's
    message is then the form's error)."""
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 422
    try:
        response = actions.submit_questionnaire(
            actor=actor, patient=patient, instrument=instrument, answers=form.answers()
        )
    except InputRefused as exc:
        form.add_error(None, exc.message)
        return None, 422
    return response, 201
