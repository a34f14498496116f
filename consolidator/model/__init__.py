"""The domain: master data, documents, findings, values (being moved here from the flat package)."""
