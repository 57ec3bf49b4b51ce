from tests.policies.library import alice, bob, carol  # noqa: F401  (fixtures)
