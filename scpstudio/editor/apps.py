from django.apps import AppConfig


class EditorConfig(AppConfig):
    """The policy editor page and its exports."""

    name = "scpstudio.editor"
    label = "editor"
