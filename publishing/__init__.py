"""Datasette publishing: metadata, templates, static files and the plugin hooks that give the
archive its post pages, search helpers, year facets and dashboard. Built by ``publishing.app``."""
