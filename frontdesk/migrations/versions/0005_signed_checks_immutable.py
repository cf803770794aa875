"""signed self-checks unchangeable in the database itself (issue 8 A1)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 11:00:00

Triggers, on SQLite and PostgreSQL alike:
- a ``self_check`` row whose state is ``signed`` refuses UPDATE and DELETE;
- a ``self_check_item`` of a signed check refuses UPDATE and DELETE.

The domain never tries (``selfchecks`` claims a check with a conditional version
UPDATE while it is a draft) and the ORM refuses too (``models._guard_signed_checks``);
these catch any other path: a script, a console, a second app version. A later
migration that rebuilds one of these tables on SQLite (``batch_alter_table`` copies
it) drops its triggers and must create them again (copy the SQL below).
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

MESSAGE = "frontdesk: a signed self-check cannot be changed"

SQLITE_UP = [
    f"""CREATE TRIGGER self_check_signed_no_update BEFORE UPDATE ON self_check
        WHEN OLD.state = 'signed'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER self_check_signed_no_delete BEFORE DELETE ON self_check
        WHEN OLD.state = 'signed'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER self_check_item_signed_no_update BEFORE UPDATE ON self_check_item
        WHEN (SELECT state FROM self_check WHERE id = OLD.check_id) = 'signed'
          OR (SELECT state FROM self_check WHERE id = NEW.check_id) = 'signed'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER self_check_item_signed_no_delete BEFORE DELETE ON self_check_item
        WHEN (SELECT state FROM self_check WHERE id = OLD.check_id) = 'signed'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS self_check_item_signed_no_delete",
    "DROP TRIGGER IF EXISTS self_check_item_signed_no_update",
    "DROP TRIGGER IF EXISTS self_check_signed_no_delete",
    "DROP TRIGGER IF EXISTS self_check_signed_no_update",
]

POSTGRES_UP = [
    f"""CREATE FUNCTION frontdesk_signed_check_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.state = 'signed' THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$""",
    """CREATE TRIGGER self_check_signed_guard BEFORE UPDATE OR DELETE ON self_check
        FOR EACH ROW EXECUTE FUNCTION frontdesk_signed_check_guard()""",
    f"""CREATE FUNCTION frontdesk_signed_item_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM self_check WHERE id = OLD.check_id AND state = 'signed')
             OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM self_check WHERE id = NEW.check_id AND state = 'signed'))
          THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$""",
    """CREATE TRIGGER self_check_item_signed_guard BEFORE UPDATE OR DELETE ON self_check_item
        FOR EACH ROW EXECUTE FUNCTION frontdesk_signed_item_guard()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS self_check_item_signed_guard ON self_check_item",
    "DROP TRIGGER IF EXISTS self_check_signed_guard ON self_check",
    "DROP FUNCTION IF EXISTS frontdesk_signed_item_guard()",
    "DROP FUNCTION IF EXISTS frontdesk_signed_check_guard()",
]


def upgrade() -> None:
    for statement in POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
