"""Reads a Repro WAL segment with TensorBoard's own record reader.

Repro frames WAL records exactly as TFRecord (DESIGN.md, "On-disk"). TensorBoard's reader checks
the masked CRC-32C of every length and payload, so reading a segment through it, and getting the
same records Repro's reader gets, shows the framing is TFRecord's. Run where the Python
`tensorboard` package is installed:  python3 tensorboard_reads_wal.py <segment.log>
It prints the record count and the SHA-256 of all payloads in order.
"""
import hashlib
import sys

from tensorboard.backend.event_processing import event_file_loader

path = sys.argv[1]
digest = hashlib.sha256()
count = 0
for record in event_file_loader.RawEventFileLoader(path).Load():
    digest.update(record)
    count += 1
print(f"tensorboard: records={count} payload_sha256={digest.hexdigest()}")
