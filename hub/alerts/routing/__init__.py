"""Routing rules: matching alerts, deciding who gets them, and saying why."""
