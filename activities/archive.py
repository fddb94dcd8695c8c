"""Archiving closed cases' histories, run by the archive schedule (workflows/archive.py)."""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client

from hotline import archive
from hotline.contracts import ArchiveBatch, ArchiveBatchResult
from hotline.db import SessionFactory
from hotline.errors import DomainError


class ArchiveActivities:
    def __init__(self, sessions: SessionFactory, client: Client) -> None:
        self._sessions = sessions
        self._client = client

    @activity.defn(name="archive_closed_cases")
    async def archive_closed_cases(self, batch: ArchiveBatch) -> ArchiveBatchResult:
        """Archives the next closed cases without an archive. A case that cannot be archived yet (its
        workflow still finishing) or whose history no longer matches its archive is reported and
        skipped, so one case never holds up the others."""
        numbers = await archive.pending(sessions=self._sessions, after=batch.after, limit=batch.size)
        result = ArchiveBatchResult(last=numbers[-1] if numbers else None)
        for number in numbers:
            activity.heartbeat(number)
            try:
                await archive.archive(client=self._client, sessions=self._sessions, case_number=number)
            except DomainError as error:
                activity.logger.warning("case %s not archived: %s", number, error.message)
                result.failed[number] = error.code
                continue
            result.archived.append(number)
        return result
