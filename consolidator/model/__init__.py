"""The domain: master data (its records and checks), the document a workbook becomes, findings,
values, lights and grades, and the workspace's folders. Imports nothing else of the engine."""
