"""Contract documents: reading files and checking their data-protection clauses."""
