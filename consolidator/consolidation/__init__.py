"""Consolidating a period: validate the inbox, roll up, write the reports under a lock (lock.py: fit
for a shared drive), swap them into place (swap.py), record the manifest and the history. May use
reports/ and everything below it."""
