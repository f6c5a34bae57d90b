"""Service-test fixtures: the shared ones (the clock among them) live in tests/conftest.py."""
