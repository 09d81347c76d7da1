"""Confirming an Amazon SNS subscription, so a CloudWatch topic can point at
the hub without anyone copying a URL by hand.

SNS proves that the endpoint wants the messages by posting a
``SubscriptionConfirmation`` whose ``SubscribeURL`` must be fetched. The URL
comes from the request body, so only URLs matching the configured pattern
(SNS's own hosts, over HTTPS, by default) are fetched: anything else would
let any caller make the hub send requests on its behalf.
"""

from __future__ import annotations

import logging
import re

import httpx

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5.0


class SubscriptionConfirmer:
    def __init__(self, url_pattern: str, client: httpx.AsyncClient | None = None) -> None:
        self._allowed = re.compile(url_pattern)
        # Injected in tests (and by deployments that need a proxy); the
        # default client follows no redirects, so the checked host is the
        # host that is reached.
        self._client = client

    async def confirm(self, url: str) -> bool:
        """Fetch ``url``; True when SNS answered 2xx."""
        if not self._allowed.match(url):
            log.warning("event=sns.confirm_refused reason=url_not_allowed url=%.200s", url)
            return False
        try:
            if self._client is not None:
                response = await self._client.get(url, timeout=TIMEOUT_SECONDS)
            else:
                async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
                    response = await client.get(url)
        except httpx.HTTPError as exc:
            log.warning("event=sns.confirm_failed error=%s next=operator_visits_url", exc)
            return False
        ok = response.is_success
        log.info("event=sns.confirmed ok=%s status=%d", ok, response.status_code)
        return ok
