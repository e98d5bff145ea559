"""Fetching and understanding the ministries' sites, and the `pressroom` command line."""

__version__ = "0.1.0"
