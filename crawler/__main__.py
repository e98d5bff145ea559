"""`python -m crawler` runs the pressroom command line."""

from crawler.cli import main

main()
