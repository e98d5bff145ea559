"""Helpers for turning what sites serve into values, shared by the site definitions: HTML to paragraphs,
dates as sites print them, RSS and Atom feeds. Pure functions: no I/O, nothing of the network or the archive.
"""
