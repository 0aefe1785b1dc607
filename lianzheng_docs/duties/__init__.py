"""Duties: who owes which document by when (obligations), the events deadlines count from, the
roster of units, the task ledgers of 七（一） and batch generation for every unit.

This layer sits on top: it reads the archive and the catalog, and is used by the CLI.
"""
