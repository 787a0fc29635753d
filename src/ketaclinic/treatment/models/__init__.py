"""Treatment models, one module per topic."""

from ketaclinic.treatment.models.charting import (
    ActionTaken,
    AdverseEvent,
    Consciousness,
    DoseAdministration,
    LimitEvent,
    LimitLevel,
    LimitOutcome,
    Observation,
    Phase,
    RateSegment,
    SegmentKind,
)
from ketaclinic.treatment.models.discharge import ALDRETE_ITEMS, PADSS_COLUMNS, Discharge
from ketaclinic.treatment.models.eligibility import (
    ConsentRecord,
    Course,
    EligibilityScreen,
    TestName,
    TestOutcome,
    TestRecord,
)
from ketaclinic.treatment.models.home import HomePrescription, HomeUse, HomeUseAcknowledgement
from ketaclinic.treatment.models.intake import DiagnosisConfirmation, Intake, RefractoryStatus
from ketaclinic.treatment.models.medications import (
    InteractionAcknowledgement,
    MedicationSource,
    MedicineEntry,
    PatientMedication,
)
from ketaclinic.treatment.models.monitoring import (
    ExposureOverride,
    LabResult,
    MonitoringItem,
    MonitoringReview,
    MonitoringSettings,
)
from ketaclinic.treatment.models.pdmp import PdmpAcknowledgement, PdmpCheck, PdmpResult
from ketaclinic.treatment.models.plans import DosingWeightBasis, PlanStatus, TreatmentPlan
from ketaclinic.treatment.models.protocols import (
    LIMIT_COLUMNS,
    LIMIT_FIELD_NAMES,
    Protocol,
    ProtocolStatus,
    Route,
    limit_column,
)
from ketaclinic.treatment.models.sessions import (
    PregnancyCheck,
    SessionChecklist,
    SessionStatus,
    TreatmentSession,
)

__all__ = [
    "ALDRETE_ITEMS",
    "LIMIT_COLUMNS",
    "LIMIT_FIELD_NAMES",
    "PADSS_COLUMNS",
    "ActionTaken",
    "AdverseEvent",
    "Consciousness",
    "ConsentRecord",
    "Course",
    "DiagnosisConfirmation",
    "Discharge",
    "DoseAdministration",
    "DosingWeightBasis",
    "EligibilityScreen",
    "ExposureOverride",
    "HomePrescription",
    "HomeUse",
    "HomeUseAcknowledgement",
    "Intake",
    "InteractionAcknowledgement",
    "LabResult",
    "LimitEvent",
    "LimitLevel",
    "LimitOutcome",
    "MedicationSource",
    "MedicineEntry",
    "MonitoringItem",
    "MonitoringReview",
    "MonitoringSettings",
    "Observation",
    "PatientMedication",
    "PdmpAcknowledgement",
    "PdmpCheck",
    "PdmpResult",
    "Phase",
    "PlanStatus",
    "PregnancyCheck",
    "Protocol",
    "ProtocolStatus",
    "RateSegment",
    "RefractoryStatus",
    "Route",
    "SegmentKind",
    "SessionChecklist",
    "SessionStatus",
    "TestName",
    "TestOutcome",
    "TestRecord",
    "TreatmentPlan",
    "TreatmentSession",
    "limit_column",
]
