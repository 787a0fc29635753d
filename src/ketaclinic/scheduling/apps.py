from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Appointments: sites' opening hours and chairs, bookings, series, the day's schedule."""

    name = "ketaclinic.scheduling"
    label = "scheduling"
