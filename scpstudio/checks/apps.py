from django.apps import AppConfig


class ChecksConfig(AppConfig):
    """Validate, preview and diff a policy without storing it: REST and command line."""

    name = "scpstudio.checks"
    label = "checks"
