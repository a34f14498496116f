"""A period's consolidation: its lock, its reports swapped in whole."""
