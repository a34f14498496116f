"""Writing what units and levels get: plan and follow-up books, level books, rendering."""
