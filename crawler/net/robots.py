"""robots.txt rules, parsed with protego (wildcards, Crawl-delay)."""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego

from crawler.errors import FetchError


@dataclass(frozen=True)
class RobotsRules:
    """What one origin's robots.txt allows."""

    source: str
    parser: Protego | None = None
    allow: bool = True  # used when there is no parser
    error: FetchError | None = None  # why robots.txt could not be read (5xx, network, blocked)

    @classmethod
    def allow_all(cls, source: str) -> RobotsRules:
        """No robots.txt (4xx): everything is allowed."""
        return cls(source, None, True)

    @classmethod
    def unavailable(cls, source: str, error: FetchError) -> RobotsRules:
        """robots.txt unreachable (5xx, network) or blocked: back off from the whole origin."""
        return cls(source, None, False, error)

    def allowed(self, url: str, user_agent: str) -> bool:
        """Whether `user_agent` may fetch `url`."""
        if self.parser is None:
            return self.allow
        return bool(self.parser.can_fetch(url, _token(user_agent)))

    @property
    def crawl_delay(self) -> float | None:
        """The Crawl-delay for any user agent, if set."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay("pressroom")
        return float(delay) if delay is not None else None


def parse_robots(text: str, *, source: str) -> RobotsRules:
    """Parse a robots.txt body."""
    return RobotsRules(source, Protego.parse(text))


def _token(user_agent: str) -> str:
    """The product token robots.txt groups match against ("pressroom" of "pressroom/0.1 (...)")."""
    return user_agent.split("/", 1)[0].strip() or user_agent
