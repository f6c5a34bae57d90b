"""Rules of background jobs that need no database: which jobs count as identical, which states are final."""

import hashlib
import json

ACTIVE_STATES = ("queued", "running")
FINAL_STATES = ("done", "failed", "cancelled")

# Why a job failed, as a key: the interface translates it (registry/views/documents.py holds the sentences).
ERROR_WORKER_LOST = "worker_lost"  # no sign of life from its worker for longer than the bound
ERROR_RENDER = "render_failed"  # the export itself raised; the detail goes to the log, not to the page
ERROR_QUEUE = "queue_unreachable"  # the web could not hand the job to the queue (Redis down, disk full)
ERROR_IMPORT = "import_refused"  # a confirmed spreadsheet import no longer imports as its preview showed
ERRORS = (ERROR_WORKER_LOST, ERROR_RENDER, ERROR_QUEUE, ERROR_IMPORT)

# A fanned-out job whose parts still wait in the queue (behind other exports) is given this many times the stale
# bound before it is judged lost (its queue may have been emptied): one hour with the default of 120 s.
WAITING_PARTS_PATIENCE = 30


def params_key(kind: str, organisation_id: int, params: dict) -> str:
    """The key two requests share exactly when they would print the same file (same organisation, kind, options)."""
    data = json.dumps({"kind": kind, "org": organisation_id, "params": params}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def is_final(state: str) -> bool:
    return state in FINAL_STATES


def progress_percent(done: int, total: int) -> int:
    """Whole percent for the bar, never above 100 (a total of 0 means not known yet)."""
    if total <= 0:
        return 0
    return min(100, done * 100 // total)


def may_cancel(requested_by: int | None, user_id: int, role: str) -> bool:
    """The person who asked for a job may cancel it, and so may an admin of its organisation; an auditor
    never stops another person's export."""
    return requested_by == user_id or role == "admin"
