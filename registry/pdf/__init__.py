"""Printed documents: the Art. 30 register, DPA annexes and the sub-processor list (WeasyPrint)."""
