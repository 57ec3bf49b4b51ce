"""The policy editor: one page whose form and JSON view write the same policy.

Views in `views`, the form's state and its mapping to a document in `state`, the buttons
in `ops`, reading requests and writing exports in `document_io`, what the page shows in
`context` and `html`. Nothing else in the project imports this package.
"""
