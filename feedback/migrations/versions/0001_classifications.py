"""The classifications table: verdicts shown with buttons, and users' answers.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classifications",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("user_hash", sa.String(64), nullable=True),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("best_guess", sa.String(32), nullable=False),
        sa.Column("probabilities", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_size", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("answer", sa.String(16), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_classifications_user_hash", "classifications", ["user_hash"])
    op.create_index("ix_classifications_answered_at", "classifications", ["answered_at"])
    op.create_index("ix_classifications_created_at", "classifications", ["created_at"])


def downgrade() -> None:
    op.drop_table("classifications")
