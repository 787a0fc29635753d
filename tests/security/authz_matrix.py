"""The authorisation matrix: for every page route and every API operation, who may use it.

One entry per URL-conf route name (pages) and per OpenAPI operation (``"METHOD /api/path"``),
each naming its allowed personas explicitly; every other persona must be refused. A route or
operation without an entry fails ``test_authz_matrix``, and so does an entry for a route that
no longer exists. No Django admin is mounted, so there are no admin routes to cover.

Personas (``tests/security/world.py``): ``anonymous``; ``patient`` (the record every call points
at) and ``other_patient`` (another North patient with a portal account); the staff roles of
``accounts/roles.py`` at site North (``admin``, ``clinician``, ``nurse``, ``pharmacist``,
``researcher``, who works at both sites but sees de-identified data only); and staff of the
other site (``clinician_south``, ``nurse_south``, ``pharmacist_south``). The admin works at
both sites, as the demo's does.

Pages that serve one's own things (the patient's diary, the list of one's sites' patients)
allow every persona that has such things; that they show nothing of anyone else's is checked
by the leak check of the test (no other patient's name in any answer), not by the status code.

A page lists the methods it serves (GET, POST): a view that renders the same page whatever the
method lists GET only; every view that acts on a POST lists POST. An API operation is its own
method. Some operations have several calls (query variants), each with its own allowed set: a
researcher may export a cohort de-identified, never identified.

Bodies and query strings are written so the request passes form and schema validation: a
refusal can then only come from authorisation (or, for an allowed persona, from the action's
own rules, which the verdict counts as "got past authorisation"). ``{name}`` in a query string
is filled from the world's ids; a body is a function of those ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

Body = Callable[[dict[str, Any]], Any]

PERSONAS = (
    "anonymous",
    "patient",
    "other_patient",
    "admin",
    "clinician",
    "nurse",
    "pharmacist",
    "researcher",
    "clinician_south",
    "nurse_south",
    "pharmacist_south",
)


def only(*names: str) -> frozenset[str]:
    unknown = set(names) - set(PERSONAS)
    assert not unknown, unknown
    return frozenset(names)


EVERYONE = frozenset(PERSONAS)
NOBODY = frozenset[str]()
LOGGED_IN = EVERYONE - {"anonymous"}
PATIENTS = only("patient", "other_patient")
OWNER = only("patient")
# Staff who open North's charts (VIEW_PATIENTS at North).
NORTH_CHART = only("admin", "clinician", "nurse", "pharmacist")
CHART_ANY_SITE = NORTH_CHART | only("clinician_south", "nurse_south", "pharmacist_south")
CLINICIAN = only("clinician")
CHARTING = only("clinician", "nurse")  # CHART_SESSIONS, DRAW_CONTROLLED, VIEW_DIARY, ...
PHARMACIST = only("pharmacist")
PHARMACISTS = only("pharmacist", "pharmacist_south")
ADMIN = only("admin")
TRIAGE_NORTH = only("admin", "clinician", "nurse")  # also EDIT_PATIENTS, INVITE_PATIENTS


@dataclass(frozen=True)
class Call:
    """One request and who may make it."""

    allowed: frozenset[str]
    body: Body | None = None
    query: str = ""
    # The route's normal answer is a redirect to the log-in page (log-out), so that answer
    # counts as served, not as refused.
    login_redirect_is_answer: bool = False


def version_of(key: str) -> Body:
    return lambda ids: {"version": ids[key]}


# -- pages ---------------------------------------------------------------------------------------

SITE = "site={north_id}"
TODAY = date.today().isoformat()
LATER = (date.today() + timedelta(days=30)).isoformat()


def _session_form(**fields: Any) -> Body:
    return lambda ids: {"version": ids["session_version"], **fields}


CHECKLIST_FORM = {
    "weight_kg": "70",
    "escort_name": "Partner",
    "escort_confirmed": "on",
    "line_in_place": "on",
    "pregnancy_check": "negative",
    "systolic": "122",
    "diastolic": "76",
    "heart_rate": "72",
    "spo2": "98",
    "respiratory_rate": "14",
    "pain_nrs": "7",
    "consciousness": "alert",
}
DISCHARGE_FORM = {
    "escort_name": "Partner",
    "escort_present": "on",
    "instructions_given": "on",
    "activity": "2",
    "respiration": "2",
    "circulation": "2",
    "consciousness": "2",
    "oxygen_saturation": "2",
    "vital_signs": "2",
    "ambulation": "2",
    "nausea_vomiting": "2",
    "pain": "2",
    "dissociation_resolved": "yes",
    "sedation_resolved": "yes",
}

PAGES: dict[str, dict[str, Call]] = {
    "core:home": {"GET": Call(EVERYONE)},
    # Log-in and two-factor authentication: one's own account.
    "accounts:login": {"GET": Call(EVERYONE), "POST": Call(EVERYONE)},
    "accounts:logout": {"POST": Call(EVERYONE, login_redirect_is_answer=True)},
    "accounts:2fa_manage": {"GET": Call(LOGGED_IN)},
    "accounts:2fa_verify": {"GET": Call(LOGGED_IN), "POST": Call(LOGGED_IN)},
    "accounts:2fa_setup": {"GET": Call(LOGGED_IN), "POST": Call(LOGGED_IN)},
    "accounts:2fa_recovery_codes": {"GET": Call(LOGGED_IN), "POST": Call(LOGGED_IN)},
    # A site's safety contacts: its admin.
    "core:site_safety": {
        "GET": Call(ADMIN),
        "POST": Call(
            ADMIN,
            body=lambda ids: {
                "self_harm_window_hours": "4",
                "escalation_contact_name": "Duty psychiatrist",
                "escalation_contact_email": "duty@north.example.org",
            },
        ),
    },
    # A site's pump minimum, set from the protocol library: its admin.
    "treatment:pump_minimum": {
        "POST": Call(ADMIN, body=lambda ids: {"pump_min_ml_per_h": "0.1"}),
    },
    # The registry.
    "patients:list": {"GET": Call(CHART_ANY_SITE)},
    "patients:create": {
        "GET": Call(TRIAGE_NORTH | only("clinician_south", "nurse_south")),
        "POST": Call(TRIAGE_NORTH | only("clinician_south", "nurse_south")),
    },
    "patients:detail": {"GET": Call(NORTH_CHART)},
    "patients:edit": {"GET": Call(TRIAGE_NORTH), "POST": Call(TRIAGE_NORTH)},
    "audit:search": {"GET": Call(ADMIN)},
    # The controlled-substance ledger, asked for site North.
    "inventory:stock": {"GET": Call(PHARMACIST, query=SITE)},
    "inventory:receive": {
        "GET": Call(PHARMACIST, query=SITE),
        "POST": Call(PHARMACIST, query=SITE),
    },
    "inventory:setup": {"GET": Call(PHARMACIST, query=SITE), "POST": Call(PHARMACIST, query=SITE)},
    "inventory:container": {"GET": Call(PHARMACIST), "POST": Call(PHARMACIST)},
    "inventory:ledger": {"GET": Call(PHARMACIST, query=SITE)},
    "inventory:counts": {"GET": Call(PHARMACIST, query=SITE)},
    "inventory:count_new": {
        "GET": Call(only("nurse", "pharmacist"), query=SITE),
        "POST": Call(only("nurse", "pharmacist"), query=SITE),
    },
    "inventory:count": {"GET": Call(only("nurse", "pharmacist"))},
    "inventory:count_pdf": {"GET": Call(PHARMACIST)},
    "inventory:incidents": {"GET": Call(PHARMACIST, query=SITE)},
    "inventory:incident": {"GET": Call(PHARMACIST), "POST": Call(PHARMACIST)},
    "inventory:report": {"GET": Call(PHARMACIST, query=SITE)},
    "inventory:report_csv": {"GET": Call(PHARMACIST, query=SITE)},
    "inventory:report_pdf": {"GET": Call(PHARMACIST, query=SITE)},
    "inventory:dispensing": {"GET": Call(PHARMACIST)},
    "inventory:dispensing_csv": {"GET": Call(PHARMACIST)},
    "inventory:session_draw": {
        "POST": Call(
            CHARTING,
            body=lambda ids: {"container": ids["container_id"], "quantity": "1", "unit": "mg"},
        )
    },
    "inventory:session_administered": {"POST": Call(CHARTING)},
    "inventory:session_waste": {
        "POST": Call(
            CHARTING,
            body=lambda ids: {
                "container": ids["container_id"],
                "quantity": "1",
                "unit": "mg",
                "witness_username": "nurse2",
                "witness_password": "wrong-password",
                "reason": "left over",
            },
        )
    },
    "inventory:session_return": {
        "POST": Call(
            CHARTING,
            body=lambda ids: {
                "container": ids["container_id"],
                "quantity": "1",
                "unit": "mg",
                "reason": "not needed",
            },
        )
    },
    # Treatment: the chart's tab, intake, eligibility, plans, sessions, the protocol library.
    "treatment:tab": {"GET": Call(NORTH_CHART)},
    "treatment:intake": {"GET": Call(NORTH_CHART), "POST": Call(CHARTING)},
    "treatment:intake_preview": {"POST": Call(NORTH_CHART)},
    "treatment:intake_confirm": {"POST": Call(CLINICIAN)},
    "treatment:eligibility": {"GET": Call(NORTH_CHART)},
    # Prescription monitoring (issue 20): staff read, prescribers record and acknowledge.
    "treatment:pdmp": {
        "GET": Call(NORTH_CHART),
        "POST": Call(
            CLINICIAN, body=lambda ids: {"registry": "State PMP", "result": "no_concerns"}
        ),
    },
    "treatment:pdmp_acknowledge": {
        "POST": Call(CLINICIAN, body=lambda ids: {"reason": "Reviewed with the patient"})
    },
    "treatment:eligibility_screen": {
        "POST": Call(CLINICIAN, body=lambda ids: {"expected_version": 1, "course": "serial"})
    },
    "treatment:eligibility_test": {
        "POST": Call(
            CHARTING,
            body=lambda ids: {"test": "ecg", "outcome": "done", "performed_on": TODAY},
        )
    },
    "treatment:eligibility_consent": {
        "POST": Call(
            CLINICIAN,
            body=lambda ids: {"consented_on": TODAY, "information_version": "leaflet v2"},
        )
    },
    "treatment:monitoring": {"GET": Call(NORTH_CHART)},
    "treatment:monitoring_result": {
        "POST": Call(
            CHARTING,
            body=lambda ids: {"item": "bpic_ss", "bpic-collected_on": TODAY, "bpic-bpic_ss": 3},
        )
    },
    "treatment:monitoring_review": {"POST": Call(CLINICIAN, body=lambda ids: {"reason": "seen"})},
    "treatment:plan_create": {"GET": Call(CLINICIAN), "POST": Call(CLINICIAN)},
    "treatment:plan": {"GET": Call(NORTH_CHART)},
    "treatment:plan_revise": {"GET": Call(CLINICIAN), "POST": Call(CLINICIAN)},
    "treatment:plan_approve": {"POST": Call(CLINICIAN, body=version_of("plan_version"))},
    # Concomitant medicines and interactions (docs/clinical-rules.md §10).
    "treatment:medications": {
        "GET": Call(NORTH_CHART),
        "POST": Call(CLINICIAN, body=lambda ids: {"medicine": ids["entry_id"], "dose": "1 mg"}),
    },
    "treatment:medication_stop": {
        "POST": Call(CLINICIAN, body=lambda ids: {"stopped_on": TODAY, "reason": "stopped"})
    },
    "treatment:catalogue": {
        "GET": Call(CHART_ANY_SITE),
        "POST": Call(ADMIN, body=lambda ids: {"name": "Matrix drug", "rxnorm": "999001"}),
    },
    "treatment:catalogue_retire": {"POST": Call(ADMIN)},
    "treatment:interaction_acknowledge": {
        "POST": Call(CLINICIAN, body=lambda ids: {"hit": "opioid:1", "reason": "monitored"})
    },
    "treatment:plan_schedule": {"POST": Call(CHARTING)},
    "treatment:worklist": {
        "GET": Call(only("clinician", "nurse", "clinician_south", "nurse_south"))
    },
    "treatment:session": {"GET": Call(NORTH_CHART)},
    "treatment:session_summary": {"GET": Call(NORTH_CHART)},
    "treatment:timeline": {"GET": Call(NORTH_CHART)},
    "treatment:checklist": {"POST": Call(CHARTING, body=_session_form(**CHECKLIST_FORM))},
    "treatment:confirm_bp": {"POST": Call(CLINICIAN, body=_session_form(note="BP accepted"))},
    "treatment:acknowledge": {
        "POST": Call(
            CLINICIAN,
            body=lambda ids: {"alert": ids["alert_id"], "action_taken": "Phoned the patient."},
        )
    },
    "treatment:start": {"POST": Call(CHARTING, body=_session_form())},
    "treatment:rate": {"POST": Call(CHARTING, body=_session_form(rate="0.15"))},
    "treatment:dose": {"POST": Call(CHARTING, body=_session_form(dose="0.15"))},
    "treatment:vitals": {"POST": Call(CHARTING, body=lambda ids: {"heart_rate": "70"})},
    "treatment:adverse_event": {
        "POST": Call(
            CHARTING,
            body=lambda ids: {"term": "nausea", "grade": "1", "action_taken": "observed"},
        )
    },
    "treatment:stop": {"POST": Call(CHARTING, body=_session_form())},
    "treatment:discharge": {"POST": Call(CHARTING, body=_session_form(**DISCHARGE_FORM))},
    "treatment:cancel": {"POST": Call(CHARTING, body=_session_form(reason="unwell"))},
    "treatment:protocols": {"GET": Call(CHART_ANY_SITE)},
    "treatment:protocol_create": {"GET": Call(ADMIN), "POST": Call(ADMIN)},
    "treatment:protocol": {"GET": Call(CHART_ANY_SITE)},
    "treatment:protocol_revise": {"GET": Call(ADMIN), "POST": Call(ADMIN)},
    "treatment:protocol_supersede": {"GET": Call(ADMIN), "POST": Call(ADMIN)},
    "treatment:protocol_enable": {"POST": Call(ADMIN)},
    "treatment:protocol_disable": {"POST": Call(ADMIN)},
    "treatment:guardrails": {"GET": Call(only("admin", "clinician", "clinician_south"))},
    # Exports: each user's own sites; researchers de-identified only.
    "interop:exports": {
        "GET": Call(only("admin", "clinician", "researcher", "clinician_south")),
        "POST": Call(only("admin", "clinician", "researcher", "clinician_south")),
    },
    "favicon": {"GET": Call(EVERYONE)},
    # A background job: its owner only (the clinician's queued export of North).
    "jobs:job": {"GET": Call(only("clinician"))},
    "jobs:progress": {"GET": Call(only("clinician"))},
    "jobs:download": {"GET": Call(only("clinician"))},  # 409 while it is not done
    # Public pages and the invitation and password-reset links (the token is the key).
    "portal:learn": {"GET": Call(EVERYONE)},
    "portal:screen": {"GET": Call(EVERYONE), "POST": Call(EVERYONE)},
    "portal:consultation": {"GET": Call(EVERYONE), "POST": Call(EVERYONE)},
    "portal:consultation_thanks": {"GET": Call(EVERYONE)},
    "portal:invite": {"GET": Call(EVERYONE), "POST": Call(EVERYONE)},
    "portal:password_reset": {"GET": Call(EVERYONE), "POST": Call(EVERYONE)},
    "portal:password_reset_done": {"GET": Call(EVERYONE)},
    "portal:password_reset_confirm": {"GET": Call(EVERYONE), "POST": Call(EVERYONE)},
    "portal:password_reset_complete": {"GET": Call(EVERYONE)},
    "portal:settings": {"GET": Call(PATIENTS), "POST": Call(PATIENTS)},
    "portal:referrals": {
        "GET": Call(TRIAGE_NORTH | only("clinician_south", "nurse_south")),
    },
    "portal:referral": {"GET": Call(TRIAGE_NORTH), "POST": Call(TRIAGE_NORTH)},
    "portal:invite_patient": {"POST": Call(TRIAGE_NORTH)},
    # The patient's own diary (no patient in the URL: each patient reaches only their own).
    "diary:calendar": {"GET": Call(PATIENTS)},
    "diary:summary": {"GET": Call(PATIENTS)},
    "diary:summary_print": {"GET": Call(PATIENTS)},
    "diary:day": {"GET": Call(PATIENTS)},
    "diary:headache_free": {"POST": Call(PATIENTS)},
    "diary:attack_new": {"GET": Call(PATIENTS), "POST": Call(PATIENTS)},
    "diary:attack": {"GET": Call(PATIENTS), "POST": Call(PATIENTS)},
    "diary:attack_remove": {"POST": Call(PATIENTS)},
    "diary:factors": {"POST": Call(PATIENTS)},
    "diary:history": {"GET": Call(PATIENTS)},
    # A patient's diary in the chart.
    "diary:chart": {"GET": Call(CHARTING)},
    "diary:chart_print": {"GET": Call(CHARTING)},
    "diary:chart_day": {"GET": Call(CHARTING)},
    # Questionnaires: the patient's own, and the chart's tab, schedule and alerts.
    "instruments:mine": {"GET": Call(PATIENTS)},
    "instruments:thanks": {"GET": Call(OWNER)},
    "instruments:fill": {"GET": Call(PATIENTS), "POST": Call(PATIENTS)},
    "instruments:chart": {"GET": Call(NORTH_CHART)},
    "interop_chart:external_history": {"GET": Call(NORTH_CHART)},
    "instruments:plan_start": {"POST": Call(CHARTING)},
    "instruments:plan_stop": {"POST": Call(CHARTING)},
    "instruments:course_add": {"POST": Call(CHARTING)},
    "instruments:course_cancel": {"POST": Call(CHARTING)},
    "instruments:alert": {"GET": Call(NORTH_CHART), "POST": Call(CLINICIAN)},
    # Staff enter answers given on paper (DAST-10 and AUDIT-C at intake; issue 20).
    "instruments:enter": {
        "GET": Call(CHARTING),
        "POST": Call(CHARTING, body=lambda ids: {f"item{n}": "never" for n in range(1, 7)}),
    },
    # The API's document and viewer are public; its root serves nothing.
    "api:openapi-json": {"GET": Call(EVERYONE)},
    "api:openapi-view": {"GET": Call(EVERYONE)},
    "api:api-root": {"GET": Call(NOBODY)},
}


# -- API operations ------------------------------------------------------------------------------

NORTH = "site=north"
DAYS = "start={week_ago}&end={today}"
IDENTIFIED_EXPORT = only("admin", "clinician")


def _ledger_quantity(**fields: Any) -> Body:
    return lambda ids: {"quantity_mg": 1, **fields}


# Cohort outcomes: the clinic's staff on their own sites' patients; researchers de-identified
# aggregates (pharmacists and patients have no cohort view).
COHORT_OUTCOMES = only(
    "admin", "clinician", "nurse", "researcher", "clinician_south", "nurse_south"
)
PAGES.update(
    {
        "outcomes:cohort": {"GET": Call(COHORT_OUTCOMES)},
        "outcomes:cohort_pdf": {"POST": Call(COHORT_OUTCOMES)},
        "patient_outcomes:chart": {"GET": Call(CHARTING)},
        "patient_outcomes:summary_pdf": {"GET": Call(CHARTING)},
        "patient_outcomes:letter_pdf": {"GET": Call(CHARTING)},
        "patient_outcomes:progress": {"GET": Call(PATIENTS)},
        "patient_outcomes:my_summary_pdf": {"GET": Call(PATIENTS)},
    }
)

# Appointments (issue 18): staff with the schedule (admin, clinician, nurse) at the site; the
# admin keeps chairs and hours; starting a session is charting's; patients their own.
SCHEDULE_ANY_SITE = only("admin", "clinician", "nurse", "clinician_south", "nurse_south")
PAGES.update(
    {
        "scheduling:day": {"GET": Call(SCHEDULE_ANY_SITE)},
        "scheduling:book": {"GET": Call(TRIAGE_NORTH), "POST": Call(TRIAGE_NORTH)},
        "scheduling:appointment": {"GET": Call(TRIAGE_NORTH)},
        "scheduling:reschedule": {"POST": Call(TRIAGE_NORTH)},
        "scheduling:cancel": {"POST": Call(TRIAGE_NORTH)},
        "scheduling:start": {"POST": Call(CHARTING)},
        "scheduling:resolve_request": {"POST": Call(TRIAGE_NORTH)},
        "scheduling:site": {"GET": Call(ADMIN), "POST": Call(ADMIN)},
        "scheduling:add_chair": {"POST": Call(ADMIN)},
        "scheduling:nurse_calendar": {"GET": Call(TRIAGE_NORTH)},
        "scheduling:chair_calendar": {"GET": Call(TRIAGE_NORTH)},
        "portal:appointments": {"GET": Call(PATIENTS)},
        "portal:appointment_change": {"POST": Call(OWNER)},
        # Home nasal spray (issue 19): the patient's own log; the chart's Home spray tab, where
        # the clinician prescribes and acknowledges and the pharmacist dispenses and takes back.
        "portal:home_spray": {
            "GET": Call(PATIENTS),
            "POST": Call(PATIENTS, body=lambda ids: {"pain_before": "6"}),
        },
        "core:home_spray": {"GET": Call(NORTH_CHART)},
        "core:home_spray_prescribe": {"POST": Call(CLINICIAN, body=lambda ids: HOME_RX_FORM)},
        "core:home_spray_dispense": {
            "POST": Call(
                PHARMACIST,
                body=lambda ids: {"container": ids["spare_bottle_id"], "received_by": "Hana"},
            )
        },
        "core:home_spray_return": {
            "POST": Call(
                PHARMACIST,
                body=lambda ids: {
                    "container": ids["dispensed_bottle_id"],
                    "sprays": "10",
                    "returned_by": "Hana",
                    "witness_username": "nurse1",
                    "witness_password": ids["password"],
                },
            )
        },
        "core:home_spray_acknowledge": {"POST": Call(CLINICIAN)},
        # A bottle lost or stolen at home (the ledger's incident path, its own page) and a
        # returned bottle destroyed before a witness: the pharmacist's (MANAGE_STOCK).
        "core:home_spray_loss": {
            "GET": Call(PHARMACIST),
            "POST": Call(
                PHARMACIST,
                body=lambda ids: {
                    "container": ids["dispensed_bottle_id"],
                    "sprays": "10",
                    "discovered_on": date.today().isoformat(),
                    "reason": "stolen from a handbag",
                },
            ),
        },
        "core:home_spray_destroy": {
            "POST": Call(
                PHARMACIST,
                body=lambda ids: {
                    "container": ids["dispensed_bottle_id"],
                    "form_reference": "F41-26",
                    "witness_username": "nurse1",
                    "witness_password": ids["password"],
                },
            )
        },
    }
)


def _visit(ids: dict[str, Any]) -> dict[str, Any]:
    return {
        "day": ids["tomorrow"].isoformat(),
        "start": "11:00",
        "chair_id": ids["chair_id"],
        "nurse_id": ids["user_id"],
    }


HOME_RX_FORM = {
    "sprays_per_use": "2",
    "min_interval_minutes": "15",
    "max_sprays_per_day": "6",
    "max_sprays_per_week": "20",
    "bottles": "2",
    "sprays_per_bottle": "100",
    "starts_on": TODAY,
    "review_on": LATER,
    "instructions": "One spray per nostril at the start of an attack.",
}

API: dict[str, tuple[Call, ...]] = {
    # Prescription monitoring (issue 20): no patient endpoint; patients never see results.
    "GET /api/treatment/patients/{patient_id}/pdmp-checks": (Call(NORTH_CHART),),
    "POST /api/treatment/patients/{patient_id}/pdmp-checks": (
        Call(CLINICIAN, body=lambda ids: {"registry": "State PMP", "result": "no_concerns"}),
    ),
    "POST /api/treatment/pdmp-checks/{check_id}/acknowledgement": (
        Call(CLINICIAN, body=lambda ids: {"reason": "Reviewed with the patient"}),
    ),
    # Home nasal spray (issue 19).
    "POST /api/treatment/plans/{plan_id}/home-prescriptions": (
        Call(CLINICIAN, body=lambda ids: HOME_RX_FORM),
    ),
    "GET /api/treatment/patients/{patient_id}/home-intranasal": (Call(NORTH_CHART),),
    "POST /api/treatment/home-uses/{use_id}/acknowledgement": (Call(CLINICIAN),),
    "GET /api/treatment/me/home-intranasal": (Call(PATIENTS),),
    "POST /api/treatment/me/home-uses": (
        Call(PATIENTS, body=lambda ids: {"sprays": 2, "pain_before": 6}),
    ),
    "POST /api/inventory/home-prescriptions/{prescription_id}/dispensings": (
        Call(
            PHARMACIST,
            body=lambda ids: {"container_id": ids["spare_bottle_id"], "received_by": "Hana"},
        ),
    ),
    "POST /api/inventory/containers/{container_id}/patient-returns": (
        Call(
            PHARMACIST,
            body=lambda ids: {
                "sprays": 10,
                "returned_by": "Hana",
                "witness_username": "nurse1",
                "witness_password": ids["password"],
            },
        ),
    ),
    "POST /api/inventory/containers/{container_id}/home-losses": (
        Call(PHARMACIST, body=lambda ids: {"sprays": 1, "reason": "lost on a bus"}),
    ),
    "GET /api/inventory/patients/{patient_id}/home-supply": (Call(PHARMACIST),),
    "GET /api/scheduling/sites/{site_code}": (Call(TRIAGE_NORTH),),
    "PUT /api/scheduling/sites/{site_code}": (
        Call(ADMIN, body=lambda ids: {"time_zone": "Europe/London", "hours": []}),
    ),
    "POST /api/scheduling/sites/{site_code}/chairs": (
        Call(ADMIN, body=lambda ids: {"name": "Bay 9", "routes": ["nebulized"]}),
    ),
    "GET /api/scheduling/sites/{site_code}/days/{day}": (Call(TRIAGE_NORTH),),
    "GET /api/scheduling/sites/{site_code}/appointments": (
        Call(TRIAGE_NORTH, query="start={today}&end={tomorrow}"),
    ),
    "POST /api/scheduling/plans/{plan_id}/appointments/preview": (
        Call(TRIAGE_NORTH, body=lambda ids: {"visits": [_visit(ids)]}),
    ),
    "POST /api/scheduling/plans/{plan_id}/appointments": (
        Call(TRIAGE_NORTH, body=lambda ids: {"visits": [_visit(ids)]}),
    ),
    "GET /api/scheduling/appointments/{appointment_id}": (Call(TRIAGE_NORTH),),
    "POST /api/scheduling/appointments/{appointment_id}/reschedule": (
        Call(TRIAGE_NORTH, body=lambda ids: {**_visit(ids), "version": 1, "reason": "later"}),
    ),
    "POST /api/scheduling/appointments/{appointment_id}/cancel": (
        Call(TRIAGE_NORTH, body=lambda ids: {"version": 1, "reason": "unwell"}),
    ),
    "POST /api/scheduling/appointments/{appointment_id}/start": (Call(CHARTING),),
    "GET /api/scheduling/patients/{patient_id}/appointments": (Call(OWNER | TRIAGE_NORTH),),
    "POST /api/scheduling/appointments/{appointment_id}/change-requests": (
        Call(OWNER, body=lambda ids: {"message": "Another day, please."}),
    ),
    "GET /api/scheduling/change-requests": (Call(SCHEDULE_ANY_SITE),),
    "POST /api/scheduling/change-requests/{change_request_id}/resolve": (
        Call(TRIAGE_NORTH, body=lambda ids: {"resolution": "Moved to 11:00."}),
    ),
    "GET /api/scheduling/calendars/nurses/{user_id}.ics": (Call(TRIAGE_NORTH),),
    "GET /api/scheduling/calendars/chairs/{chair_id}.ics": (Call(TRIAGE_NORTH),),
    "GET /api/outcomes/cohort": (Call(COHORT_OUTCOMES),),
    "GET /api/patients/{patient_id}/outcomes": (Call(OWNER | CHARTING),),
    "GET /api/health": (Call(EVERYONE),),
    "POST /api/auth/token": (
        Call(EVERYONE, body=lambda ids: {"username": ids["username"], "password": ids["password"]}),
    ),
    "DELETE /api/auth/token": (Call(LOGGED_IN),),
    "GET /api/patients/": (Call(CHART_ANY_SITE),),
    "POST /api/patients/": (
        Call(
            TRIAGE_NORTH,
            body=lambda ids: {
                "site": "north",
                "mrn": "N-900",
                "given_name": "New",
                "family_name": "Patient",
                "date_of_birth": "1990-01-01",
                "sex": "female",
            },
        ),
    ),
    "GET /api/patients/{patient_id}": (Call(OWNER | NORTH_CHART),),
    "PATCH /api/patients/{patient_id}": (Call(TRIAGE_NORTH),),
    "GET /api/patients/{patient_id}/history": (Call(OWNER | NORTH_CHART),),
    # One patient's Bundle is for the staff of the site, de-identified or not: a researcher
    # reaches cohorts only, never a record by its id.
    "GET /api/patients/{patient_id}/fhir": (
        Call(IDENTIFIED_EXPORT),
        Call(IDENTIFIED_EXPORT, query="deidentify=true"),
    ),
    "GET /api/patients/{patient_id}/fhir/held": (Call(IDENTIFIED_EXPORT),),
    "GET /api/export/fhir/{resource_type}": (
        Call(IDENTIFIED_EXPORT | only("clinician_south")),
        Call(IDENTIFIED_EXPORT, query=NORTH),
        Call(IDENTIFIED_EXPORT | only("researcher"), query=f"{NORTH}&deidentify=true"),
    ),
    "GET /api/exports/{fmt}": (
        Call(IDENTIFIED_EXPORT | only("clinician_south")),
        Call(IDENTIFIED_EXPORT, query=NORTH),
        Call(IDENTIFIED_EXPORT | only("researcher"), query=f"{NORTH}&deidentify=true"),
    ),
    "POST /api/sites/{site_code}/fhir/import": (Call(IDENTIFIED_EXPORT),),
    "POST /api/patients/{patient_id}/fhir/import": (Call(IDENTIFIED_EXPORT),),
    # The FHIR REST subset: the CapabilityStatement is public (clients read it first); a record
    # by its id is for its site's exporting staff; Bulk Data $export for anyone who may export
    # (researchers de-identified, always); a bulk job for its owner only.
    "GET /api/fhir/metadata": (Call(EVERYONE),),
    "GET /api/fhir/Patient/{resource_id}": (Call(IDENTIFIED_EXPORT),),
    "GET /api/fhir/Patient/{resource_id}/$everything": (Call(IDENTIFIED_EXPORT),),
    "GET /api/fhir/Patient": (
        Call(
            IDENTIFIED_EXPORT | only("clinician_south"),
            query="identifier=https://ketaclinic.example/fhir/sid/mrn/north|N-1",
        ),
    ),
    "GET /api/fhir/$export": (Call(IDENTIFIED_EXPORT | only("clinician_south", "researcher")),),
    "GET /api/fhir/Patient/$export": (
        Call(IDENTIFIED_EXPORT | only("clinician_south", "researcher")),
    ),
    "GET /api/fhir/bulk/{export_id}": (Call(only("clinician")),),
    "DELETE /api/fhir/bulk/{export_id}": (Call(only("clinician")),),
    "GET /api/fhir/bulk/{export_id}/{resource_type}.ndjson": (Call(only("clinician")),),
    "GET /api/jobs/{job_id}": (Call(only("clinician")),),
    "GET /api/jobs/{job_id}/download": (Call(only("clinician")),),
    "GET /api/diary/{patient_id}/days": (Call(OWNER | CHARTING, query=DAYS),),
    "GET /api/diary/{patient_id}/days/{day}": (Call(OWNER | CHARTING),),
    "PUT /api/diary/{patient_id}/days/{day}": (
        Call(OWNER, body=lambda ids: {"version": 1, "headache_free": True}),
    ),
    "GET /api/diary/{patient_id}/days/{day}/history": (Call(OWNER | CHARTING),),
    "GET /api/diary/{patient_id}/metrics": (Call(OWNER | CHARTING),),
    "POST /api/treatment/intake/preview": (
        Call(only("clinician", "nurse", "clinician_south", "nurse_south")),
    ),
    "GET /api/treatment/patients/{patient_id}/intakes": (Call(NORTH_CHART),),
    "POST /api/treatment/patients/{patient_id}/intakes": (Call(CHARTING),),
    "POST /api/treatment/patients/{patient_id}/intakes/{version}/confirmation": (
        Call(CLINICIAN, body=lambda ids: {"note": "Confirmed at clinic."}),
    ),
    "GET /api/treatment/patients/{patient_id}/eligibility": (Call(NORTH_CHART),),
    "POST /api/treatment/patients/{patient_id}/eligibility/screens": (Call(CLINICIAN),),
    "POST /api/treatment/patients/{patient_id}/eligibility/tests": (Call(CHARTING),),
    "POST /api/treatment/patients/{patient_id}/eligibility/consent": (Call(CLINICIAN),),
    "GET /api/treatment/patients/{patient_id}/monitoring": (Call(NORTH_CHART),),
    "POST /api/treatment/patients/{patient_id}/monitoring/results": (
        Call(
            CHARTING,
            body=lambda ids: {"item": "bpic_ss", "collected_on": TODAY, "values": {"bpic_ss": 3}},
        ),
    ),
    "POST /api/treatment/sites/{site_id}/monitoring-settings": (
        Call(ADMIN, body=lambda ids: {"interval": {"days": 90}}),
    ),
    "POST /api/treatment/patients/{patient_id}/monitoring/review": (
        Call(CLINICIAN, body=lambda ids: {"reason": "Reviewed."}),
    ),
    "GET /api/treatment/protocols": (Call(CHART_ANY_SITE),),
    "POST /api/treatment/protocols": (Call(ADMIN),),
    "GET /api/treatment/protocols/{protocol_id}": (Call(CHART_ANY_SITE),),
    "PATCH /api/treatment/protocols/{protocol_id}": (Call(ADMIN),),
    "POST /api/treatment/protocols/{protocol_id}/supersede": (Call(ADMIN),),
    "POST /api/treatment/protocols/{protocol_id}/enable": (Call(ADMIN),),
    "POST /api/treatment/protocols/{protocol_id}/disable": (Call(ADMIN),),
    "GET /api/treatment/patients/{patient_id}/plans": (Call(NORTH_CHART),),
    "POST /api/treatment/patients/{patient_id}/plans": (Call(CLINICIAN),),
    "GET /api/treatment/plans/{plan_id}": (Call(NORTH_CHART),),
    "POST /api/treatment/plans/{plan_id}/revise": (Call(CLINICIAN),),
    "POST /api/treatment/plans/{plan_id}/approve": (Call(CLINICIAN),),
    "GET /api/treatment/medicines": (Call(CHART_ANY_SITE),),
    "POST /api/treatment/medicines": (
        Call(ADMIN, body=lambda ids: {"name": "Matrix drug", "rxnorm": "999001", "classes": []}),
    ),
    "POST /api/treatment/medicines/{entry_id}/retire": (Call(ADMIN),),
    "GET /api/treatment/patients/{patient_id}/medications": (Call(NORTH_CHART),),
    "POST /api/treatment/patients/{patient_id}/medications": (
        Call(CLINICIAN, body=lambda ids: {"medicine_id": ids["entry_id"]}),
    ),
    "POST /api/treatment/medications/{medication_id}/stop": (
        Call(CLINICIAN, body=lambda ids: {"stopped_on": TODAY, "reason": "stopped"}),
    ),
    "GET /api/treatment/plans/{plan_id}/interactions": (Call(NORTH_CHART),),
    "POST /api/treatment/plans/{plan_id}/interactions/acknowledge": (
        Call(CLINICIAN, body=lambda ids: {"hit": "opioid:1", "reason": "monitored"}),
    ),
    "POST /api/treatment/plans/{plan_id}/sessions": (Call(CHARTING),),
    "GET /api/treatment/sessions/{session_id}": (Call(NORTH_CHART),),
    "POST /api/treatment/sessions/{session_id}/checklist": (Call(CHARTING),),
    "POST /api/treatment/sessions/{session_id}/predose-confirmation": (
        Call(CLINICIAN, body=lambda ids: {"version": ids["session_version"], "note": "BP ok."}),
    ),
    "POST /api/treatment/sessions/{session_id}/start": (Call(CHARTING),),
    "POST /api/treatment/sessions/{session_id}/rate": (Call(CHARTING),),
    "POST /api/treatment/sessions/{session_id}/doses": (Call(CHARTING),),
    "POST /api/treatment/sessions/{session_id}/observations": (Call(CHARTING),),
    "POST /api/treatment/sessions/{session_id}/observations/{observation_id}/correction": (
        Call(CHARTING),
    ),
    "POST /api/treatment/sessions/{session_id}/adverse-events": (Call(CHARTING),),
    "POST /api/treatment/sessions/{session_id}/stop": (Call(CHARTING),),
    "POST /api/treatment/sessions/{session_id}/discharge": (Call(CHARTING),),
    "POST /api/treatment/sessions/{session_id}/cancel": (Call(CHARTING),),
    "GET /api/treatment/reports/guardrails": (Call(only("admin", "clinician", "clinician_south")),),
    "GET /api/inventory/containers": (Call(PHARMACIST, query=NORTH),),
    "GET /api/inventory/containers/{container_id}": (Call(PHARMACIST),),
    "GET /api/inventory/suppliers": (Call(PHARMACISTS),),
    "POST /api/inventory/suppliers": (Call(PHARMACISTS),),
    "GET /api/inventory/products": (
        Call(only("clinician", "nurse", "clinician_south", "nurse_south") | PHARMACISTS),
    ),
    "POST /api/inventory/products": (Call(PHARMACISTS),),
    "POST /api/inventory/registrations": (
        Call(
            PHARMACIST,
            body=lambda ids: {
                "site": "north",
                "registrant_name": "North",
                "dea_number": "BN2345672",
                "address": "1 Harbour Lane",
            },
        ),
    ),
    "POST /api/inventory/receipts": (
        Call(
            PHARMACIST,
            body=lambda ids: {
                "site": "north",
                "supplier_id": ids["supplier_id"],
                "lines": [
                    {
                        "product_id": ids["product_id"],
                        "lot": "LOT-B2",
                        "expires_on": LATER,
                        "volume_ml": "10",
                        "containers": 1,
                        "storage_location": "Safe A",
                    }
                ],
            },
        ),
    ),
    "POST /api/inventory/containers/{container_id}/waste": (Call(PHARMACIST),),
    "POST /api/inventory/containers/{container_id}/destructions": (Call(PHARMACIST),),
    "POST /api/inventory/containers/{container_id}/losses": (Call(PHARMACIST),),
    "POST /api/inventory/containers/{container_id}/adjustments": (
        Call(
            PHARMACIST,
            body=_ledger_quantity(
                direction="remove",
                reason="recount",
                cosigner_username="nurse2",
                cosigner_password="wrong-password",
            ),
        ),
    ),
    "POST /api/inventory/containers/{container_id}/transfers": (
        Call(PHARMACIST, body=_ledger_quantity(to_site="south", storage_location="Safe B")),
    ),
    "GET /api/inventory/sessions/{session_id}/ledger": (Call(NORTH_CHART),),
    "POST /api/inventory/sessions/{session_id}/draws": (
        Call(CHARTING, body=lambda ids: {"container_id": ids["container_id"], "quantity_mg": 1}),
    ),
    "POST /api/inventory/sessions/{session_id}/administered": (Call(CHARTING),),
    "POST /api/inventory/sessions/{session_id}/waste": (
        Call(
            CHARTING,
            body=lambda ids: {
                "container_id": ids["container_id"],
                "quantity_mg": 1,
                "witness_username": "nurse2",
                "witness_password": "wrong-password",
                "reason": "left over",
            },
        ),
    ),
    "POST /api/inventory/sessions/{session_id}/returns": (
        Call(
            CHARTING,
            body=lambda ids: {
                "container_id": ids["container_id"],
                "quantity_mg": 1,
                "reason": "not needed",
            },
        ),
    ),
    "GET /api/inventory/counts": (Call(PHARMACIST, query=NORTH),),
    "POST /api/inventory/counts": (
        Call(
            only("nurse", "pharmacist"),
            body=lambda ids: {"site": "north", "kind": "shift", "counted": []},
        ),
    ),
    "GET /api/inventory/counts/{count_id}": (Call(PHARMACIST),),
    "GET /api/inventory/incidents": (Call(PHARMACIST, query=NORTH),),
    "GET /api/inventory/incidents/{incident_id}": (Call(PHARMACIST),),
    "POST /api/inventory/incidents/{incident_id}/events": (Call(PHARMACIST),),
    "GET /api/inventory/reports/ledger": (
        Call(PHARMACIST, query=f"{NORTH}&start={{week_ago}}&end={{today}}"),
    ),
    "GET /api/inventory/patients/{patient_id}/dispensing": (Call(PHARMACIST),),
}
