"""The command line: `hotline <group> <command>` (also `python -m hotline.cli`).

Each group lives in its own module and talks to the same services as the API, with settings from the
environment (`hotline/settings.py`). Long work shows a progress bar.
"""

from __future__ import annotations

import typer

from hotline.cli import (
    archive,
    audit,
    backup,
    db,
    demo,
    evaluation,
    readmodel,
    reference,
    replay,
    reports,
    schedules,
    tokens,
    users,
)

app = typer.Typer(no_args_is_help=True, help="12345 hotline case management: audit and operations.")
app.add_typer(audit.app, name="audit", help="A case's history: timeline, clock, export.")
app.add_typer(replay.app, name="replay", help="Replay recorded histories against the current workflow code.")
app.add_typer(archive.app, name="archive", help="Archive closed cases' histories outside Temporal.")
app.add_typer(readmodel.app, name="readmodel", help="Check the read model against the histories; rebuild it.")
app.add_typer(reports.app, name="reports", help="Daily, weekly, monthly and annual reports: run one now.")
app.add_typer(evaluation.app, name="evaluation", help="The monthly evaluation of departments: run, show.")
app.add_typer(users.app, name="users", help="People's accounts: create, list, deactivate, password.")
app.add_typer(tokens.app, name="tokens", help="Channel-scoped API tokens for integrations.")
app.add_typer(reference.app, name="reference", help="Reference data and the dispatch catalogue as JSON.")
app.add_typer(schedules.app, name="schedules", help="The Temporal Schedules: create the missing, list.")
app.add_typer(db.app, name="db", help="The read model: migrate, revision, seed.")
app.add_typer(backup.app, name="backup", help="Back up and restore the embedded default's SQLite files.")
app.add_typer(demo.app, name="demo", help="Demo data: fill a running system with realistic cases.")
