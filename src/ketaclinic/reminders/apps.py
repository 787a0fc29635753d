from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Reminders to patients (diary, questionnaires, sessions) through Django's task framework."""

    name = "ketaclinic.reminders"
    label = "reminders"
