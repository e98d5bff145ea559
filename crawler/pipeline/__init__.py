"""The crawl itself: discover -> fetch -> parse -> archive for each site of a run, backfills of a site's past,
revisits of known documents as they come due, the long-running schedule, and re-extraction of stored captures.

It asks `crawler.net` for pages, a site (`crawler.sites`) for what a page says, and `archive` to keep it.
"""
