"""Checking the audit chains: every event's hash, order and link to the one before."""

from __future__ import annotations

from dataclasses import dataclass

from eduplatform.audit.models import GENESIS_HASH, AuditEvent

PURGE_ACTION = "purge"


@dataclass(frozen=True)
class Problem:
    chain: str
    sequence: int
    message: str

    def __str__(self) -> str:
        return f"chain {self.chain} #{self.sequence}: {self.message}"


def verify_chain(chain: str) -> tuple[int, list[Problem]]:
    """(events checked, problems found) for one chain."""
    problems: list[Problem] = []
    anchors = set(
        AuditEvent.objects.filter(chain=chain, action=PURGE_ACTION).values_list(
            "after__anchor_hash", flat=True
        )
    )
    previous_sequence = None
    previous_hash = None
    count = 0
    for event in AuditEvent.objects.filter(chain=chain).order_by("sequence").iterator(chunk_size=2000):
        count += 1
        if event.compute_hash() != event.hash:
            problems.append(Problem(chain, event.sequence, "content does not match its hash (edited)"))
        if previous_sequence is None:
            if event.sequence == 1 and event.previous_hash != GENESIS_HASH:
                problems.append(Problem(chain, event.sequence, "first event does not start the chain"))
            elif event.sequence != 1 and event.previous_hash not in anchors:
                problems.append(Problem(chain, event.sequence, "events before this one are missing"))
        else:
            if event.sequence != previous_sequence + 1:
                problems.append(
                    Problem(
                        chain,
                        event.sequence,
                        f"events {previous_sequence + 1}..{event.sequence - 1} are missing",
                    )
                )
            if event.previous_hash != previous_hash:
                problems.append(Problem(chain, event.sequence, "does not link to the event before it"))
        previous_sequence = event.sequence
        previous_hash = event.hash
    return count, problems


def verify_all() -> tuple[int, list[Problem]]:
    total = 0
    problems: list[Problem] = []
    for chain in AuditEvent.objects.order_by().values_list("chain", flat=True).distinct():
        count, found = verify_chain(chain)
        total += count
        problems.extend(found)
    return total, problems
