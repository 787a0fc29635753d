"""Every write of the treatment programme: keyword-only, atomic, permission-checked, audited.

One module per topic; import the functions from here.
"""

from ketaclinic.treatment.actions.charting import Override, change_rate, give_dose, start_session
from ketaclinic.treatment.actions.closing import discharge_session, stop_session
from ketaclinic.treatment.actions.eligibility import (
    record_consent,
    record_eligibility_screen,
    record_test,
)
from ketaclinic.treatment.actions.home import (
    acknowledge_home_use,
    log_home_use,
    prescribe_home_intranasal,
)
from ketaclinic.treatment.actions.intake import confirm_diagnosis, record_intake
from ketaclinic.treatment.actions.medications import (
    acknowledge_interaction,
    add_medicine_entry,
    record_medication,
    retire_medicine_entry,
    stop_medication,
)
from ketaclinic.treatment.actions.monitoring import (
    record_lab_result,
    review_monitoring,
    set_monitoring_settings,
)
from ketaclinic.treatment.actions.observations import (
    correct_observation,
    record_adverse_event,
    record_observation,
)
from ketaclinic.treatment.actions.pdmp import (
    acknowledge_pdmp_check,
    record_pdmp_check,
    require_pdmp_check,
)
from ketaclinic.treatment.actions.plans import approve_plan, create_plan, revise_plan
from ketaclinic.treatment.actions.protocols import (
    create_protocol,
    disable_protocol,
    enable_protocol,
    revise_protocol,
    supersede_protocol,
)
from ketaclinic.treatment.actions.sessions import (
    cancel_session,
    complete_checklist,
    confirm_predose_bp,
    schedule_session,
)

__all__ = [
    "Override",
    "acknowledge_home_use",
    "acknowledge_interaction",
    "acknowledge_pdmp_check",
    "add_medicine_entry",
    "approve_plan",
    "cancel_session",
    "change_rate",
    "complete_checklist",
    "confirm_diagnosis",
    "confirm_predose_bp",
    "correct_observation",
    "create_plan",
    "create_protocol",
    "disable_protocol",
    "discharge_session",
    "enable_protocol",
    "give_dose",
    "log_home_use",
    "prescribe_home_intranasal",
    "record_adverse_event",
    "record_consent",
    "record_eligibility_screen",
    "record_intake",
    "record_lab_result",
    "record_medication",
    "record_observation",
    "record_pdmp_check",
    "record_test",
    "require_pdmp_check",
    "retire_medicine_entry",
    "review_monitoring",
    "revise_plan",
    "revise_protocol",
    "schedule_session",
    "set_monitoring_settings",
    "start_session",
    "stop_medication",
    "stop_session",
    "supersede_protocol",
]
