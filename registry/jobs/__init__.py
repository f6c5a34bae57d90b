"""Background work (the task queue): tasks take ids, open their own database session and commit once."""
