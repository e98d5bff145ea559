"""The published site: a static copy of the archive for readers (`pressroom publish DIR`).

`paths` says where each page of the site lives (and its URL under a base URL, which the Atom feed uses
to link an entry to the document's page); the site itself is written by the other modules of this package.
"""
