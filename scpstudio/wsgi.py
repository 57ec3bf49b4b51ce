"""WSGI entry point (gunicorn scpstudio.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scpstudio.settings")
application = get_wsgi_application()

# What is loaded now (Django, every module, the settings) lives as long as the worker. A
# full collection walks every object the collector tracks: some 150,000 here, a pause of
# tens of ms in whichever request it falls on. Frozen (`gc.freeze`), they are skipped, and
# a full collection walks only what requests left behind since. (A large synced catalog
# is frozen the same way when its snapshot is built: catalog.snapshot._settle.)
gc.collect()
gc.freeze()
