"""Infrastructure every workflow shares: the database, settings, the clock, logs,
translation, errors, the state mechanism and its history.

Nothing here knows about a particular workflow (desk queue, self-checks, …) and
nothing here imports Textual or click.
"""
