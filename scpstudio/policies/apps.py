from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    """Saved policies, the editor, previews and the policy command line."""

    name = "scpstudio.policies"
    label = "policies"
