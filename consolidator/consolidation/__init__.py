"""Consolidating a period: validate the inbox, roll up, write the reports under a lock, swap them
into place, record the manifest and the history. May use reports/ and everything below it."""
