"""Röd tråd: the consolidator engine."""
__version__ = "0.1.0"
