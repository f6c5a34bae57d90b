"""Helpers to write demo registers in the JSON exchange format."""


def register(org: dict, *, measures=(), clients=(), subprocessors=(), activities=(), retention_rules=(),
             transfers=()) -> dict:
    """Number each section's records 1..n (the exchange format's local ids) and wrap them as an export."""

    def numbered(items):
        return [{"id": n, **item} for n, item in enumerate(items, start=1)]

    return {
        "schema": "gdpr-registry/register",
        "schema_version": 1,
        "organisation": org,
        "measures": numbered(measures),
        "clients": numbered(clients),
        "subprocessors": numbered(subprocessors),
        "activities": numbered(activities),
        "retention_rules": numbered(retention_rules),
        "transfers": numbered(transfers),
    }
