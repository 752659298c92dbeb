"""The database layer: the archive's schema, its history rules and every SQL statement.

It imports no other package of the project, so anything can build on it.
"""
