"""All table models, imported together so that relationships across areas resolve."""

from registry.models.activities import (
    Activity,
    ActivityClientLink,
    ActivityCreate,
    ActivityMeasureLink,
    ActivitySubProcessorLink,
)
from registry.models.clients import ClientController, ClientControllerCreate
from registry.models.measures import SecurityMeasure, SecurityMeasureCreate
from registry.models.organisations import Organisation, OrganisationCreate
from registry.models.retention import RetentionRule, RetentionRuleCreate
from registry.models.subprocessors import (
    ProcessingLocation,
    ProcessingLocationCreate,
    SubProcessor,
    SubProcessorCreate,
)
from registry.models.transfers import Transfer, TransferCreate

__all__ = [
    "Activity",
    "ActivityClientLink",
    "ActivityCreate",
    "ActivityMeasureLink",
    "ActivitySubProcessorLink",
    "ClientController",
    "ClientControllerCreate",
    "Organisation",
    "OrganisationCreate",
    "ProcessingLocation",
    "ProcessingLocationCreate",
    "RetentionRule",
    "RetentionRuleCreate",
    "SecurityMeasure",
    "SecurityMeasureCreate",
    "SubProcessor",
    "SubProcessorCreate",
    "Transfer",
    "TransferCreate",
]
