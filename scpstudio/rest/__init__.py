"""What every REST endpoint shares, whichever app it belongs to: the one error shape and
its handler (`errors`), reading a JSON body and answering JSON (`bodies`), request
serializers that refuse unknown fields and say so in the schema (`fields`), and
limit/offset paging (`paging`).

It imports nothing of the apps, so the catalog and the policy library both build on it.
"""
