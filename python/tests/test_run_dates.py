import unittest

from gale_sdk import stubs
from gale_sdk.channel import run_dates_env

pb, _ = stubs.load()


class RunDatesTest(unittest.TestCase):
    def test_a_child_gets_the_runs_logical_date_and_data_interval_as_the_java_worker_writes_them(self):
        nightly = pb.Assignment(logical_date_ms=1772409600000, data_interval_start_ms=1772323200000,
                                data_interval_end_ms=1772409600500)

        self.assertEqual(run_dates_env(nightly), {"GALE_LOGICAL_DATE": "2026-03-02T00:00:00Z",
                                                  "GALE_DATA_INTERVAL_START": "2026-03-01T00:00:00Z",
                                                  "GALE_DATA_INTERVAL_END": "2026-03-02T00:00:00.500Z"})

    def test_a_run_without_a_logical_date_sets_none(self):
        self.assertEqual(run_dates_env(pb.Assignment(run_id="manual__1")), {})


if __name__ == "__main__":
    unittest.main()
