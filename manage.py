#!/usr/bin/env python
"""Django's command-line utility for SCP Studio."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scpstudio.settings")
    # manage.py is the developer's and maintainer's tool: debug defaults on here so that
    # commands run without a secret key; the WSGI entry point never assumes it.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
