from django.urls import path

from ketaclinic.treatment.views import (
    eligibility,
    figures,
    intake,
    lists,
    medications,
    monitoring,
    pdmp,
    plans,
    protocols,
    sessions,
)

app_name = "treatment"
urlpatterns = [
    path("patients/<int:patient_id>/", plans.treatment_tab, name="tab"),
    path("patients/<int:patient_id>/intake/", intake.intake_page, name="intake"),
    path("patients/<int:patient_id>/intake/preview/", intake.intake_preview, name="intake_preview"),
    path(
        "patients/<int:patient_id>/intake/<int:version>/confirm/",
        intake.intake_confirm,
        name="intake_confirm",
    ),
    path(
        "patients/<int:patient_id>/eligibility/", eligibility.eligibility_page, name="eligibility"
    ),
    path(
        "patients/<int:patient_id>/eligibility/screen/",
        eligibility.eligibility_screen,
        name="eligibility_screen",
    ),
    path(
        "patients/<int:patient_id>/eligibility/tests/",
        eligibility.eligibility_test,
        name="eligibility_test",
    ),
    path(
        "patients/<int:patient_id>/eligibility/consent/",
        eligibility.eligibility_consent,
        name="eligibility_consent",
    ),
    path("patients/<int:patient_id>/monitoring/", monitoring.monitoring_page, name="monitoring"),
    path(
        "patients/<int:patient_id>/monitoring/results/",
        monitoring.monitoring_result,
        name="monitoring_result",
    ),
    path(
        "patients/<int:patient_id>/monitoring/review/",
        monitoring.monitoring_review,
        name="monitoring_review",
    ),
    path("patients/<int:patient_id>/pdmp/", pdmp.pdmp_page, name="pdmp"),
    path(
        "patients/<int:patient_id>/pdmp/<int:check_id>/acknowledge/",
        pdmp.pdmp_acknowledge,
        name="pdmp_acknowledge",
    ),
    path("patients/<int:patient_id>/plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/", plans.plan_page, name="plan"),
    path("plans/<int:plan_id>/revise/", plans.plan_revise, name="plan_revise"),
    path(
        "patients/<int:patient_id>/medications/",
        medications.medications_page,
        name="medications",
    ),
    path(
        "medications/<int:medication_id>/stop/",
        medications.medication_stop,
        name="medication_stop",
    ),
    path("medicines/", medications.catalogue_page, name="catalogue"),
    path("medicines/<int:entry_id>/retire/", medications.catalogue_retire, name="catalogue_retire"),
    path(
        "plans/<int:plan_id>/interactions/acknowledge/",
        medications.interaction_acknowledge,
        name="interaction_acknowledge",
    ),
    path("plans/<int:plan_id>/approve/", plans.plan_approve, name="plan_approve"),
    path("plans/<int:plan_id>/schedule/", plans.plan_schedule, name="plan_schedule"),
    path("sessions/", lists.worklist, name="worklist"),
    path("sessions/<int:session_id>/", sessions.session_page, name="session"),
    path("sessions/<int:session_id>/summary/", lists.session_summary, name="session_summary"),
    path("sessions/<int:session_id>/timeline.svg", figures.session_timeline, name="timeline"),
    path("sessions/<int:session_id>/checklist/", sessions.session_checklist, name="checklist"),
    path("sessions/<int:session_id>/confirm-bp/", sessions.session_confirm_bp, name="confirm_bp"),
    path(
        "sessions/<int:session_id>/acknowledge/", sessions.session_acknowledge, name="acknowledge"
    ),
    path("sessions/<int:session_id>/start/", sessions.session_start, name="start"),
    path("sessions/<int:session_id>/rate/", sessions.session_rate, name="rate"),
    path("sessions/<int:session_id>/dose/", sessions.session_dose, name="dose"),
    path("sessions/<int:session_id>/vitals/", sessions.session_observation, name="vitals"),
    path(
        "sessions/<int:session_id>/adverse-event/",
        sessions.session_adverse_event,
        name="adverse_event",
    ),
    path("sessions/<int:session_id>/stop/", sessions.session_stop, name="stop"),
    path("sessions/<int:session_id>/discharge/", sessions.session_discharge, name="discharge"),
    path("sessions/<int:session_id>/cancel/", sessions.session_cancel, name="cancel"),
    path("protocols/", protocols.protocol_list, name="protocols"),
    path("protocols/new/", protocols.protocol_form, name="protocol_create"),
    path("sites/<int:site_id>/pump-minimum/", protocols.pump_minimum, name="pump_minimum"),
    path("protocols/<int:protocol_id>/", protocols.protocol_page, name="protocol"),
    path(
        "protocols/<int:protocol_id>/edit/",
        protocols.protocol_form,
        {"mode": "revise"},
        name="protocol_revise",
    ),
    path(
        "protocols/<int:protocol_id>/new-version/",
        protocols.protocol_form,
        {"mode": "supersede"},
        name="protocol_supersede",
    ),
    path(
        "protocols/<int:protocol_id>/enable/",
        protocols.protocol_status,
        {"change": "enable"},
        name="protocol_enable",
    ),
    path(
        "protocols/<int:protocol_id>/disable/",
        protocols.protocol_status,
        {"change": "disable"},
        name="protocol_disable",
    ),
    path("reports/guardrails/", lists.guardrails, name="guardrails"),
]
