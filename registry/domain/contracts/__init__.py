"""Contract clause checker: segmentation, Art. 28 pattern rules, term extraction (pure)."""
