"""The report politicians read: each node's report for a period as a Word document (and a tagged PDF).

Layer: beside `reports/` and above it. The figures come from the same roll-up (`rollup.Rollup`)
and the same report object (`reports.node.NodeReport`) the Excel report is written from, so the
document and the workbook agree by construction (and tests/test_documents.py compares them).

- `content.py`: what the document says, as blocks (headings, paragraphs, tables, pictures)
- `charts.py`: the pictures, drawn with matplotlib (Agg), deterministic bytes
- `render.py`: the blocks into the municipality's Word template (docxtpl), accessible by construction
- `template.py`: the default template (shipped as package data) and the check of a municipality's
- `pdf.py`: a tagged PDF (PDF/UA) from each document with LibreOffice headless (Writer)
"""
