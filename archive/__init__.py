"""The versioned store of press releases: plain-text version files plus a rebuildable SQLite catalog.

This package knows nothing about HTTP, HTML or particular sites; it receives `Release` values. Its interface
to the crawler is `recorder.Archive` (record, observe, miss, `run` as a context manager, the reading methods of
`queries`), with the values of `document`, `rows` (typed rows and captures), `raw.Response` (what a run's raw
capture is made from) and `errors`; the reading modules (`diff`, `changes`, `search`, `export`, `escape`,
`warcscan`) serve the CLI. `catalog`, `sqlite` and `store` are its own.
"""
