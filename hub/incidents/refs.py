"""Human incident references: ``INC-42``."""

from __future__ import annotations

import re

from hub.errors import BadInput

# ASCII digits only, and few enough to fit a 64-bit integer in BSON.
_REF = re.compile(r"(?:INC-)?([0-9]{1,18})", re.IGNORECASE | re.ASCII)


def parse_ref(ref: str) -> int:
    """The incident number behind ``INC-42`` (or a bare ``42``)."""
    match = _REF.fullmatch(ref.strip())
    if match is None:
        raise BadInput(f"{ref[:40]!r} is not an incident reference such as INC-42", ref=ref[:40])
    return int(match.group(1))
