from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    """The policy library: saved policies, their versions, shares and templates."""

    name = "scpstudio.policies"
    label = "policies"
