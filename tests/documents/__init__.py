"""Tests of the documents made for people outside the store."""
