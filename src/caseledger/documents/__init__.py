"""Documents made from the store for people outside it: evidence packages for auditors."""
