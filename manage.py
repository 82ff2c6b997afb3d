#!/usr/bin/env python
"""Django's command-line utility for the 经开区技能大师工作室管理平台."""
import os
import sys
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masterstudio.settings")
    # On the command line the platform defaults to the demo settings (SQLite in var/); a
    # production shell sets DEBUG=false and the production variables (docs/deploy.md).
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
