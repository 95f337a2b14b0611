"""How an attempt to send can end early: the peer failed it, or the node is stopping."""
from __future__ import annotations


class SendError(Exception):
    """The attempt failed (peer unreachable, association refused, some instances refused)."""


class Interrupted(Exception):
    def __init__(self, n_sent: int = 0):
        super().__init__("interrupted (node stopping)")
        self.n_sent = n_sent


def with_sent(exc: Exception, n_sent: int) -> Exception:
    """`exc`, remembering how many instances were delivered before it."""
    exc.n_sent = n_sent  # type: ignore[attr-defined]
    return exc
