"""The versioned store of press releases: plain-text version files plus a rebuildable SQLite catalog.

This package knows nothing about HTTP, HTML or particular sites; it receives `Release` values.
"""
