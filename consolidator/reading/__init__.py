"""Untrusted files to grids (bounded), the contract, validate."""
