"""The dataset contract and the columnar facts the rules read."""
