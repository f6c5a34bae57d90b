"""Contract documents (DPA, general terms) stored per client controller or per sub-processor, every version kept."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import JSON
from sqlmodel import Field

from registry.models.base import OrgScoped, UTCDateTime, utcnow
from registry.models.checks import Storable

OWNER_KINDS = ("client", "subprocessor")


class ContractDocumentBase(Storable):
    client_id: int | None = Field(default=None, foreign_key="client_controller.id", index=True, ondelete="CASCADE")
    subprocessor_id: int | None = Field(default=None, foreign_key="subprocessor.id", index=True, ondelete="CASCADE")
    file_name: str = Field(min_length=1, max_length=255)
    kind: str = Field(max_length=10)  # pdf | docx | odt | markdown | text, sniffed from the content
    media_type: str = Field(max_length=100)
    size_bytes: int = Field(ge=1)
    sha256: str = Field(min_length=64, max_length=64, index=True)
    uploaded_by: str = Field(min_length=1, max_length=200)
    # 1 for the first file of a counterpart, then 2, 3...: a new upload never replaces an older one.
    revision: int = Field(default=1, ge=1)
    pages: int | None = None


class ContractDocument(ContractDocumentBase, OrgScoped, table=True):
    __tablename__ = "contract_document"
    __table_args__ = (
        sa.CheckConstraint("(client_id IS NULL) <> (subprocessor_id IS NULL)", name="ck_contract_document_one_owner"),
    )
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    content: bytes = Field(sa_type=sa.LargeBinary, nullable=False)
    # The last `check-contract` result (items, terms, outdated, conflicts) for the page of the record.
    check_result: dict | None = Field(default=None, sa_type=JSON)


class ContractDocumentPublic(ContractDocumentBase):
    id: int
    organisation_id: int
    uploaded_at: datetime
