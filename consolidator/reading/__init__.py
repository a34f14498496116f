"""Reading untrusted files: a returned workbook or styrmodell.xlsx becomes a bounded grid, then a
document, then findings (validate runs the rules). May use rules/ and model/."""
