"""The policy language of SCP Studio, in pure Python.

Nothing in this package imports Django or any other part of the project: the web
views, the REST API and the command line are thin faces over these functions.
"""
