"""Writing what units and levels get: the plan, follow-up and level workbooks, the styrmodell
workbook, and the writer they share (rendering). Level workbooks are prefilled from the roll-up, so
this stage may use rollup/ and everything below it."""
