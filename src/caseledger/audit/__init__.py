"""The audit: runs the registered rules over the facts and reports findings."""
