"""WSGI entry point (gunicorn scpstudio.wsgi)."""

import gc
import os
from contextlib import suppress
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scpstudio.settings")
application = get_wsgi_application()


def _load_what_requests_would() -> None:
    """Import every view (through the URL patterns) and parse the project's templates now,
    so that they are frozen below rather than loaded by the first requests and walked by
    every full collection after (some 30,000 objects)."""
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URL modules and their views)
    for folder in settings.TEMPLATES[0].get("DIRS", ()):
        root = Path(folder)
        for path in sorted(root.rglob("*.html")):
            # a template that does not parse is refused as before, by the request rendering it
            with suppress(TemplateDoesNotExist, TemplateSyntaxError):
                get_template(path.relative_to(root).as_posix())


_load_what_requests_would()

# What is loaded now (Django, every module, the settings) lives as long as the worker. A
# full collection walks every object the collector tracks: some 150,000 here, a pause of
# tens of ms in whichever request it falls on. Frozen (`gc.freeze`), they are skipped, and
# a full collection walks only what requests left behind since. (A large synced catalog
# is frozen the same way when its snapshot is built: catalog.snapshot._settle.)
gc.collect()
gc.freeze()
