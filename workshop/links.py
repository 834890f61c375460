"""The links of a session: where phones join, the projector shows, and the console drives."""

from __future__ import annotations


class Links:
    """Links of sessions under the kiosk's public address."""

    def __init__(self, public_url: str):
        self.public_url = public_url.rstrip("/")

    def join_url(self, code: str) -> str:
        """The link a phone opens (and the QR code holds)."""
        return f"{self.public_url}/j/{code}"

    def screen_url(self, code: str) -> str:
        """The projector page of a session."""
        return f"{self.public_url}/s/{code}"

    def console_url(self, code: str, token: str) -> str:
        """The console link; the token rides in the fragment, which browsers never send."""
        return f"{self.public_url}/f/{code}#{token}"
