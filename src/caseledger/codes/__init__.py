"""Coding tools: ICD-10-CM lookup and detection, and service-code explanations."""
