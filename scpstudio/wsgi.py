"""WSGI entry point (gunicorn scpstudio.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scpstudio.settings")
application = get_wsgi_application()
