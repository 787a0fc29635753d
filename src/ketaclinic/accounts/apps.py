from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, roles, sites (tenants) and API tokens."""

    name = "ketaclinic.accounts"
    label = "accounts"
