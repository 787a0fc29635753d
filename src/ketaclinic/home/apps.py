from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page (each role's dashboard and to-do list) and the main navigation.

    It sits above the record apps: it reads treatment, the ledger, questionnaires and the portal
    to say what is waiting, so it cannot live in ``core`` (which they all import).
    """

    name = "ketaclinic.home"
    label = "home"
