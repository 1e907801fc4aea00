#!/usr/bin/env python
"""Django's command-line utility for the GCM Review Portal."""

import os
import sys

if sys.version_info < (3, 12):  # noqa: UP036 — a clear message on an old interpreter
    sys.exit("The GCM Review Portal needs Python 3.12 or newer (Django 6.1).")


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
