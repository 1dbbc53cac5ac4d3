"""The local replica of the server's records: the only writer of pulled data (DESIGN.md §3, §4).

``desktop.sync`` decides *when* (transactions, cursor, state keys); these
functions decide *how* rows, the search index and the outbox change.
"""

from desktop.models.replica.first_load import active as bulk_load_active
from desktop.models.replica.first_load import finish as finish_bulk_load
from desktop.models.replica.first_load import start as start_bulk_load
from desktop.models.replica.hand_back import queue_hand_back
from desktop.models.replica.page import Deferred, SearchSink, apply_page, wire_to_row
from desktop.models.replica.prepared import PreparedCopyRefused
from desktop.models.replica.prepared import can_install as can_install_prepared
from desktop.models.replica.prepared import install as install_prepared
from desktop.models.replica.removal import drop_records, drop_teams_not_in, mentions_erasure, scrub_files, wipe_all
from desktop.models.replica.summary import live_rows, local_summary, synced_ids_not_in

__all__ = [
    "Deferred",
    "PreparedCopyRefused",
    "SearchSink",
    "apply_page",
    "bulk_load_active",
    "can_install_prepared",
    "drop_records",
    "drop_teams_not_in",
    "finish_bulk_load",
    "install_prepared",
    "live_rows",
    "local_summary",
    "mentions_erasure",
    "queue_hand_back",
    "scrub_files",
    "start_bulk_load",
    "synced_ids_not_in",
    "wipe_all",
    "wire_to_row",
]
