"""Röd tråd in Excel (xlwings): the same validator as the consolidator, on the open workbook.

Each action is a function of an xlwings `Book`, so it runs the same in Excel (through the ribbon
or `rodtrad excel ...`) and in tests on xlwings' remote engine. The add-in depends on the
consolidator, never the other way round.
"""
