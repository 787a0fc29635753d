"""The letter to the referring physician after a course: what was given, what happened, what
changed, and what comes next.

The referrer is the one named on the patient's accepted consultation request (the portal's
referral form asks for a referring physician and a contact). A patient registered without one
(added by staff, imported) has no referrer on record: the letter is then addressed generically
("Dear colleague") and says so at the top, so nobody posts it without an address.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms

from ketaclinic.accounts.models import User
from ketaclinic.clinical.diary import MONTH_DAYS
from ketaclinic.outcomes.patient_endpoints import CHANGE_MONTHS, CourseOutcome
from ketaclinic.outcomes.patient_figures import mmd_figure, png_data_uri
from ketaclinic.outcomes.patient_queries import PatientOutcomes
from ketaclinic.treatment.models import PlanStatus

NOTE_MAX = 2000
DIAGNOSES = {
    "1.1": "migraine without aura",
    "1.2": "migraine with aura",
    "1.3": "chronic migraine",
    "1.5": "probable migraine",
}


class LetterForm(forms.Form):
    note = forms.CharField(
        label="Follow-up plan for the letter",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Added to the generated follow-up plan; not stored.",
    )


def diagnosis_name(code: str | None) -> str:
    if not code:
        return "migraine (no confirmed ICHD-3 diagnosis on record)"
    for prefix, name in DIAGNOSES.items():
        if code == prefix or code.startswith(f"{prefix}."):
            return f"{name} (ICHD-3 {code})"
    return f"ICHD-3 {code}"


def follow_up_plan(data: PatientOutcomes, course: CourseOutcome) -> list[str]:
    """What the clinic does next, from the record: diary months, the month-3 review, and any
    later plan already approved."""
    lines = [
        "Daily headache diary continues; the next 28-day month after the course ends on "
        f"{course.next_month_complete:%d %b %Y}."
    ]
    review = course.last_day + timedelta(days=MONTH_DAYS * len(CHANGE_MONTHS))
    if course.follow_up_months < len(CHANGE_MONTHS):
        lines.append(
            "Response reviewed against the baseline at month 3 after the course "
            f"({review:%d %b %Y})."
        )
    lines.append("Questionnaires (MIDAS, HIT-6, PHQ-9, GAD-7) continue on the clinic's schedule.")
    started = {c.course_id for c in data.endpoints.courses}
    for plan_id, detail in data.details.items():
        if plan_id not in started and detail.plan.status == PlanStatus.APPROVED:
            lines.append(
                f"A further course is planned: {detail.plan.protocol.name} "
                f"({detail.plan.sessions_planned} sessions)."
            )
    return lines


def letter_context(
    data: PatientOutcomes, course_id: int, *, author: User, note: str
) -> dict[str, Any] | None:
    """Everything the letter template needs, or None when the patient has no such course."""
    course = next((c for c in data.endpoints.courses if c.course_id == course_id), None)
    if course is None:
        return None
    detail = data.details[course_id]
    charted = [s for s in course.sessions if s.acute_response is not None]
    return {
        "patient": data.patient,
        "data": data,
        "course": course,
        "detail": detail,
        # Both in order of the session's start: the plan's record beside the engine's response.
        "session_rows": list(zip(detail.sessions, course.sessions, strict=False)),
        "diagnosis": diagnosis_name(course.diagnosis),
        "referrer": data.referrer,
        "questionnaires": data.questionnaire_changes.get(course_id, []),
        "acute_charted": len(charted),
        "acute_responders": sum(1 for s in charted if s.acute_response),
        "follow_up": follow_up_plan(data, course),
        "note": note,
        "author": author,
        "mmd_png": png_data_uri(mmd_figure(data.endpoints, "png")),
    }
