"""Stateless checks of a policy: the REST validate and preview endpoints, the command line
(`scp_lint`, `scp_preview`, `scp_diff`) and the checks reference page. Nothing here is
stored; every face calls the same engine functions."""
