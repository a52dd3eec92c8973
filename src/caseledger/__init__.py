"""caseledger: service records, pre-bill rule checks and claims for community behavioral-health
and brain-injury agencies."""

__version__ = "0.1.0"
