"""All table models, imported together so that relationships across areas resolve."""

from registry.models.activities import (
    Activity,
    ActivityClientLink,
    ActivityCreate,
    ActivityMeasureLink,
    ActivitySubProcessorLink,
)
from registry.models.audit import AuditEntry, AuditHead
from registry.models.breaches import (
    Breach,
    BreachActivityLink,
    BreachClientLink,
    BreachCreate,
    BreachNotice,
    BreachNoticeCreate,
    BreachSubProcessorLink,
)
from registry.models.changes import (
    ChangeNotice,
    ChangeObjection,
    ChangeObjectionCreate,
    SubProcessorChange,
    SubProcessorChangeCreate,
)
from registry.models.clients import ClientController, ClientControllerCreate
from registry.models.contracts import ContractDocument
from registry.models.jobs import Job
from registry.models.law import LawChange
from registry.models.mail import MailMessage
from registry.models.measures import SecurityMeasure, SecurityMeasureCreate
from registry.models.organisations import Organisation, OrganisationCreate
from registry.models.reminders import ReminderPreference, SentReminder
from registry.models.requests import DataRequest, DataRequestCreate, RequestActivity
from registry.models.retention import RetentionRule, RetentionRuleCreate
from registry.models.subprocessors import (
    ProcessingLocation,
    ProcessingLocationCreate,
    SubProcessor,
    SubProcessorCreate,
)
from registry.models.transfers import Transfer, TransferCreate
from registry.models.users import ApiToken, LoginCounter, LoginSession, Membership, User

__all__ = [
    "Job",
    "MailMessage",
    "LawChange",
    "ContractDocument",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "LoginCounter",
    "LoginSession",
    "Membership",
    "User",
    "Activity",
    "ActivityClientLink",
    "ActivityCreate",
    "ActivityMeasureLink",
    "ActivitySubProcessorLink",
    "Breach",
    "BreachActivityLink",
    "BreachClientLink",
    "BreachCreate",
    "BreachNotice",
    "BreachNoticeCreate",
    "BreachSubProcessorLink",
    "ChangeNotice",
    "ChangeObjection",
    "ChangeObjectionCreate",
    "ClientController",
    "ClientControllerCreate",
    "Organisation",
    "OrganisationCreate",
    "ProcessingLocation",
    "ProcessingLocationCreate",
    "DataRequest",
    "DataRequestCreate",
    "RequestActivity",
    "ReminderPreference",
    "SentReminder",
    "RetentionRule",
    "RetentionRuleCreate",
    "SecurityMeasure",
    "SecurityMeasureCreate",
    "SubProcessor",
    "SubProcessorChange",
    "SubProcessorChangeCreate",
    "SubProcessorCreate",
    "Transfer",
    "TransferCreate",
]
