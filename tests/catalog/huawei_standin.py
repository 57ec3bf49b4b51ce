"""A stand-in for Huawei IAM's authorization-schema API, served on loopback for tests and
benchmarks (the server, paging and faults are `tests.huawei_standin`'s).

`GET /v5/authorization-schemas/registered-services?limit=&marker=` pages through the codes;
`GET /v5/authorization-schemas/services/{code}` answers that service's schema. A fault can be
set per service code (or for the list, key `LIST`): an HTTP status with Huawei's error body,
a number of 429s before the real answer, a slow answer, a malformed body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.huawei_standin import Fault, HuaweiStandIn, NotFound

__all__ = ["GOOD_AK", "LIST", "Fault", "StandIn"]

LIST_PATH = "/v5/authorization-schemas/registered-services"
SERVICE_PATH = "/v5/authorization-schemas/services/"
LIST = "(list)"  # the key of a fault on the list of services
GOOD_AK = "AKSTANDIN0000000000"


@dataclass
class StandIn(HuaweiStandIn):
    good_ak = GOOD_AK

    services: dict[str, dict[str, Any]] = field(default_factory=dict)

    def route(self, path: str, query: dict[str, str]) -> tuple[str, str]:
        if path == LIST_PATH:
            return LIST, self.page_of("service_codes", sorted(self.services), query)
        if path.startswith(SERVICE_PATH):
            code = path.removeprefix(SERVICE_PATH)
            if code not in self.services:
                raise NotFound("IAM.0004", f"service {code} not found")
            return code, json.dumps(self.services[code])
        raise NotFound("APIGW.0101", "API not found")
