"""What auditors run: verify a consolidation against its manifest, trace a figure to its cells,
diff two submissions, archive a period. May use consolidation/ and everything below it."""
