"""The network layer, the only code that opens sockets: it fetches what the pipeline asks for and hands back
pages, never parsing them; it knows no site but through a `Policy`.

- `fetcher`: the request loop (`Fetcher`) composing the parts below; `factory` picks a run's fetcher and
  `process` runs one in a child process (`child` is that process's own side).
- `politeness`: per-origin (scheme, host, port) turns and spacing, a lane of an origin at its own rate,
  robots.txt (parsed by `robots`), hosts given up for the run; `pauses`: a 429 that holds back every
  request of its group (the web archive's), and the group given up after pauses in a row.
- `retry`: which failures are worth another try, the waits between tries, what failing every try means.
- `redirects`: redirects followed by hand, within the site's hosts.
- `client`: the httpx client and one GET on it (conditional or not), its failures in the fetcher's terms.
- `body`: decompression under the size cap; `charset`: bytes to text.
- `blocks`: challenge pages and error pages, which are never parsed or archived (unless they are a web
  archive's captures, `Policy.mementos`: then they come back as pages, for the caller to judge).
- `policy` and `page`: the values going in (`Policy`) and coming out (`Page`).
"""
