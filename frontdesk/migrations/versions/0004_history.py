"""history: the append-only history / audit table (issue 7)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00

``history`` refuses every UPDATE and DELETE in the database itself (triggers, on
SQLite and PostgreSQL), as the ORM does (``models._guard_history``). A later
migration that rebuilds the table on SQLite (``batch_alter_table`` copies it)
drops its triggers and must create them again (copy the SQL below).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

MESSAGE = "frontdesk: history is append-only"

SQLITE_UP = [
    f"""CREATE TRIGGER history_no_update BEFORE UPDATE ON history
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER history_no_delete BEFORE DELETE ON history
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
POSTGRES_UP = [
    f"""CREATE FUNCTION frontdesk_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END $$""",
    """CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history
        FOR EACH ROW EXECUTE FUNCTION frontdesk_history_append_only()""",
    """CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history
        FOR EACH STATEMENT EXECUTE FUNCTION frontdesk_history_append_only()""",
]


def upgrade() -> None:
    op.create_table('history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('record_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('changes', sa.Text(), server_default='{}', nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.create_index('ix_history_actor', ['actor', 'at'], unique=False)
        batch_op.create_index('ix_history_day', ['day', 'at'], unique=False)
        batch_op.create_index('ix_history_record', ['record_type', 'record_id', 'id'], unique=False)

    for statement in POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.drop_index('ix_history_record')
        batch_op.drop_index('ix_history_day')
        batch_op.drop_index('ix_history_actor')

    op.drop_table('history')  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS frontdesk_history_append_only()")
