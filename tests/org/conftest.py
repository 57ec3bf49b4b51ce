from tests.org.helpers import organizer, reader, small_org  # noqa: F401  (fixtures)
from tests.policies.library import alice, bob  # noqa: F401  (fixtures)
