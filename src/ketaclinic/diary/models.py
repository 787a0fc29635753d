"""The headache diary.

Two layers:

- What the patient wrote, never overwritten: each save of a day is a new ``DiaryDayVersion``
  (with its ``Attack`` and ``AttackMedication`` rows), append-only at the database level. A
  correction is a new version; every earlier one stays readable (who, when, why).
- ``DiaryDay``: one row per patient and recorded calendar day holding the *current* version's
  summary in plain columns (headache, hours, pain, migraine features, aura, one boolean per
  acute-medication class). The actions keep it in step with the versions in the same
  transaction. It is what the metrics read, and what a columnar analytics job reads: one narrow
  row per patient-day, indexed by (patient, date), so 10,000 patients x 730 days is a single
  sequential scan of ~7 million small rows, no joins, no JSON. A day without a row is missing,
  never headache-free.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ketaclinic.clinical.acute_medications import CLASS_LABELS
from ketaclinic.patients.models import Patient


class DiaryProfile(models.Model):
    """The patient's time zone: it decides which calendar day an attack belongs to."""

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="diary_profile")
    time_zone = models.CharField(max_length=64)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"diary profile of {self.patient_id} ({self.time_zone})"


class DiaryDay(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="diary_days")
    date = models.DateField()
    version = models.PositiveIntegerField(default=1)
    headache_free = models.BooleanField(default=False)
    headache = models.BooleanField(default=False)
    # The whole attack's hours across midnight (clinical.diary_day); with duration_known false,
    # the known lower bound fixed when the day was saved (it never grows with the clock).
    duration_hours = models.FloatField(null=True, blank=True)
    duration_known = models.BooleanField(default=True)
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    migraine_features = models.BooleanField(default=False)
    aura = models.BooleanField(default=False)
    attack_count = models.PositiveSmallIntegerField(default=0)
    med_paracetamol = models.BooleanField(default=False)
    med_nsaid = models.BooleanField(default=False)
    med_triptan = models.BooleanField(default=False)
    med_ergot = models.BooleanField(default=False)
    med_opioid = models.BooleanField(default=False)
    med_combination_analgesic = models.BooleanField(default=False)
    med_gepant = models.BooleanField(default=False)
    med_ditan = models.BooleanField(default=False)
    med_ketamine_intranasal = models.BooleanField(default=False)
    med_other = models.BooleanField(default=False)
    rule_version = models.CharField(max_length=40)
    first_recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # By the column, not the relation: ordering by ``patient`` would join the patient
        # table (to sort by name) into every query, ``SELECT ... FOR UPDATE`` included, which
        # then locked the patient's registry row on each save (a deadlock under load).
        ordering = ["patient_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="diary_day_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="diary_day_version_gte_1"),
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__lte=10), name="diary_day_pain_0_10"
            ),
            models.CheckConstraint(
                condition=Q(duration_hours__isnull=True)
                | Q(duration_hours__gte=0, duration_hours__lte=72),
                name="diary_day_hours_0_72",
            ),
            models.CheckConstraint(
                condition=Q(headache_free=False) | Q(headache=False, attack_count=0),
                name="diary_day_free_means_no_attacks",
            ),
            models.CheckConstraint(
                condition=Q(headache=True) | Q(pain__isnull=True, duration_hours__isnull=True),
                name="diary_day_no_pain_without_headache",
            ),
        ]

    def __str__(self) -> str:
        return f"diary {self.patient_id} {self.date} v{self.version}"

    @property
    def medication_classes(self) -> list[str]:
        return [name for name in MEDICATION_COLUMNS if getattr(self, f"med_{name}")]


MEDICATION_COLUMNS = (
    "paracetamol",
    "nsaid",
    "triptan",
    "ergot",
    "gepant",
    "ditan",
    "opioid",
    "combination_analgesic",
    "ketamine_intranasal",
    "other",
)
"""Every acute class of the contract (clinical.acute_medications), one ``med_`` column each."""


class SleepQuality(models.TextChoices):
    POOR = "poor", "Poor"
    FAIR = "fair", "Fair"
    GOOD = "good", "Good"


class Stress(models.TextChoices):
    NONE = "none", "None"
    SOME = "some", "Some"
    HIGH = "high", "High"


class Menstruation(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "na", "Does not apply"


class Trigger(models.TextChoices):
    WEATHER = "weather", "Weather change"
    FOOD = "food", "A food or drink"
    ALCOHOL = "alcohol", "Alcohol"
    MISSED_MEAL = "missed_meal", "Missed a meal"
    LIGHT = "light", "Bright or flickering light"
    SCREEN = "screen", "Long screen time"
    EXERTION = "exertion", "Hard exercise"
    TRAVEL = "travel", "Travel"
    OTHER = "other", "Something else"


class DiaryDayVersion(models.Model):
    """One saved state of a diary day; version 1 is its first entry. Never changed."""

    day = models.ForeignKey(DiaryDay, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    headache_free = models.BooleanField(default=False)
    sleep_quality = models.CharField(max_length=8, choices=SleepQuality.choices, blank=True)
    stress = models.CharField(max_length=8, choices=Stress.choices, blank=True)
    menstruation = models.CharField(max_length=4, choices=Menstruation.choices, blank=True)
    triggers = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, default="portal")
    reason = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["day_id", "-version"]  # columns: no join (see DiaryDay)
        constraints = [
            models.UniqueConstraint(fields=["day", "version"], name="diary_version_unique"),
            models.CheckConstraint(
                condition=Q(sleep_quality__in=["", *SleepQuality.values]),
                name="diary_version_sleep_known",
            ),
            models.CheckConstraint(
                condition=Q(stress__in=["", *Stress.values]), name="diary_version_stress_known"
            ),
            models.CheckConstraint(
                condition=Q(menstruation__in=["", *Menstruation.values]),
                name="diary_version_menstruation_known",
            ),
        ]

    def __str__(self) -> str:
        return f"diary day {self.day_id} v{self.version}"


class Location(models.TextChoices):
    LEFT = "left", "Left side"
    RIGHT = "right", "Right side"
    BOTH = "both", "Both sides"
    FRONT = "front", "Forehead"
    BACK = "back", "Back of head"
    ALL_OVER = "all_over", "All over"


UNILATERAL_LOCATIONS = frozenset({Location.LEFT, Location.RIGHT})


class Attack(models.Model):
    """One headache attack (or aura) of a diary-day version."""

    version = models.ForeignKey(DiaryDayVersion, on_delete=models.PROTECT, related_name="attacks")
    position = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # End unknown: the last moment the patient confirmed the attack (the known lower bound,
    # fixed when saved), and whether the patient said it was still going then. Attacks saved
    # before these columns existed have neither: their lower bound is unknown (their day's
    # summary keeps the hours the patient saw when saving).
    known_until = models.DateTimeField(null=True, blank=True)
    still_going = models.BooleanField(default=False)
    pain = models.PositiveSmallIntegerField()
    location = models.CharField(max_length=10, choices=Location.choices, blank=True)
    pulsating = models.BooleanField(default=False)
    worse_with_activity = models.BooleanField(default=False)
    aura = models.BooleanField(default=False)
    nausea = models.BooleanField(default=False)
    photophobia = models.BooleanField(default=False)
    phonophobia = models.BooleanField(default=False)

    class Meta:
        ordering = ["version_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="attack_position_unique"),
            models.CheckConstraint(condition=Q(pain__lte=10), name="attack_pain_0_10"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=F("started_at")),
                name="attack_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(known_until__isnull=True, still_going=False),
                name="attack_end_or_lower_bound",
            ),
            models.CheckConstraint(
                condition=Q(location__in=["", *Location.values]), name="attack_location_known"
            ),
        ]

    def __str__(self) -> str:
        return f"attack {self.position} of {self.version_id}"

    @property
    def unilateral(self) -> bool:
        return self.location in UNILATERAL_LOCATIONS


class Relief(models.TextChoices):
    PAIN_FREE = "pain_free", "Pain-free"
    BETTER = "better", "Better"
    NO_BETTER = "no_better", "No better"
    NOT_SURE = "", "Not sure yet"


class AttackMedication(models.Model):
    """An acute medication taken for an attack, from the structured list."""

    attack = models.ForeignKey(Attack, on_delete=models.PROTECT, related_name="medications")
    drug = models.CharField(max_length=40)
    drug_class = models.CharField(max_length=30)
    dose_mg = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    relief_2h = models.CharField(max_length=10, choices=Relief.choices, blank=True)

    class Meta:
        ordering = ["attack_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(drug_class__in=list(CLASS_LABELS)), name="attack_med_class_known"
            ),
            models.CheckConstraint(
                condition=Q(dose_mg__isnull=True) | Q(dose_mg__gt=0), name="attack_med_dose_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(relief_2h__in=Relief.values), name="attack_med_relief_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug} for attack {self.attack_id}"
