"""The network layer, the only code that opens sockets: it fetches what the pipeline asks for and hands back
pages, never parsing them.

Per-host politeness and robots.txt, retries, conditional GET, size caps, redirects within a site's hosts, body
decoding and charsets, block detection, and the fetch process that runs all of it in a child process.
"""
