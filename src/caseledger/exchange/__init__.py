"""Exchanging records with other systems in standard formats (FHIR R4)."""
