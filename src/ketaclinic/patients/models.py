"""The patient registry.

A patient belongs to one site; the MRN is unique within it. Nothing is ever deleted: a patient
leaves the active list through ``status``, and every edit leaves a ``PatientRevision`` saying
who changed what, when and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketaclinic.accounts.models import Site


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class PatientStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DISCHARGED = "discharged", "Discharged"
    DECEASED = "deceased", "Deceased"


class Patient(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField("MRN", max_length=20)
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=240, blank=True)
    # Fidelity of imported and exported records (issue 21): every given name, the phone's use,
    # the moment of death, a structured address and the US Core demographics, all optional.
    other_given_names = models.JSONField(default=list, blank=True)
    phone_use = models.CharField(max_length=8, blank=True)
    deceased_at = models.DateTimeField(null=True, blank=True)
    address_line = models.CharField(max_length=160, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=40, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=40, blank=True)
    race = models.CharField(max_length=16, blank=True, help_text="CDC race code (OMB)")
    ethnicity = models.CharField(max_length=16, blank=True, help_text="CDC ethnicity code (OMB)")
    birth_sex = models.CharField(max_length=3, blank=True, help_text="F, M or UNK (US Core)")
    status = models.CharField(
        max_length=12, choices=PatientStatus.choices, default=PatientStatus.ACTIVE
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patient_record",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "mrn"], name="patient_mrn_unique_per_site"),
            models.CheckConstraint(
                condition=models.Q(sex__in=Sex.values), name="patient_sex_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PatientStatus.values), name="patient_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="patient_version_gte_1"
            ),
        ]
        indexes = [
            models.Index(fields=["site", "family_name", "given_name"]),
        ]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name} ({self.mrn})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


IDENTIFIER_MAX_LENGTH = 255
"""The longest identifier value or system kept (Synthea's are 36 characters; documented)."""


class PatientIdentifier(models.Model):
    """An identifier another system gave the patient, kept with its system (FHIR
    ``Patient.identifier``). The site's own MRN is ``Patient.mrn``; these are everyone
    else's, matched on import by (system, value) and found by the registry search."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="identifiers")
    system = models.CharField(max_length=IDENTIFIER_MAX_LENGTH)
    value = models.CharField(max_length=IDENTIFIER_MAX_LENGTH)
    type_code = models.CharField(max_length=10, blank=True, help_text="HL7 v2-0203, e.g. MR")
    use = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["patient", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "system", "value"], name="patient_identifier_unique_per_site"
            ),
            models.CheckConstraint(
                condition=~models.Q(system="") & ~models.Q(value=""),
                name="patient_identifier_system_and_value",
            ),
        ]
        indexes = [models.Index(fields=["value"])]

    def __str__(self) -> str:
        return f"{self.system}|{self.value}"


class PatientRevision(models.Model):
    """One saved state of a patient's registry record: version 1 is its creation."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changes = models.JSONField(default=dict)
    reason = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "version"], name="patient_revision_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"patient {self.patient_id} v{self.version}"
