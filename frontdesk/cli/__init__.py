"""The command line: ``frontdesk`` opens the app; each sub-command lives in its own module.

A new command is a module here with one click command, added to :data:`COMMANDS`.
"""

from __future__ import annotations

from frontdesk.cli.app import main
from frontdesk.cli.backup import backup
from frontdesk.cli.import_owners import import_owners
from frontdesk.cli.report import report
from frontdesk.cli.seed_demo import seed_demo

COMMANDS = (seed_demo, import_owners, backup, report)

for _command in COMMANDS:
    main.add_command(_command)

__all__ = ["COMMANDS", "main"]
