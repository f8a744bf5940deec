"""A cinder volume driver for the lab's cinder-out-of-capacity fault.

Debian's fake backend (cinder.tests.fake_driver.FakeLoggingVolumeDriver) reports 'infinite'
capacity, which cinder's CapacityFilter always passes, so no request can ever be too big for it.
This subclass changes only what the backend reports: a small, finite pool (TOTAL_GB, nothing
reserved), so the real scheduler's CapacityFilter rejects a bigger volume ("Insufficient free
space ...", "No valid backend was found") exactly as it does for a full real backend.
fault.sh copies it to /etc/lab/python, which is on cinder-volume's PYTHONPATH (lib.sh).
"""
from cinder.tests.fake_driver import FakeLoggingVolumeDriver

TOTAL_GB = 10


class SmallFakeDriver(FakeLoggingVolumeDriver):
    def _update_volume_stats(self):
        super()._update_volume_stats()
        for pool in self._stats['pools']:
            pool['total_capacity_gb'] = TOTAL_GB
            pool['free_capacity_gb'] = TOTAL_GB
            pool['reserved_percentage'] = 0
