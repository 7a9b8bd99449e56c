import os
import unittest

from tests.fake_worker import FakeWorker

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))


class TaskChildTest(unittest.TestCase):
    def setUp(self):
        self.worker = FakeWorker(params={"title": "Report"}, xcoms={("chunk", "return_value"): ["a b", "c"]})

    def tearDown(self):
        self.worker.close()

    def test_a_task_reads_params_and_inputs_and_returns_its_output_as_the_return_value_xcom(self):
        done = self.worker.run_child("tests.tasks_for_tests:summarize", os.path.dirname(TESTS_DIR))

        self.assertEqual(0, done.returncode, done.stderr)
        self.assertIn({"op": "put_xcom", "key": "chunk_count", "value": 2}, self.worker.calls)
        self.assertEqual({"op": "put_xcom", "key": "return_value",
                          "value": {"title": "Report", "first": "a b", "version": 7, "missing": "none"}},
                         self.worker.sent("put_xcom")[-1])
        self.assertEqual([{"op": "log", "line": "summarizing 2 chunks for run r1, attempt 2"}], self.worker.sent("log"))
        self.assertEqual("printed by the task\n", done.stdout)
        self.assertIn("WARNING summarizer: a logged warning", done.stderr)

    def test_a_refused_call_fails_the_task_with_the_workers_reason(self):
        done = self.worker.run_child("tests.tasks_for_tests:undeclared_asset", os.path.dirname(TESTS_DIR))

        self.assertEqual(1, done.returncode)
        self.assertEqual("gale: task failed: TaskFailed: task does not declare asset dataset://other with writes()",
                         done.stderr.strip().splitlines()[-1])

    def test_an_exception_exits_1_with_its_traceback_and_the_error_last(self):
        done = self.worker.run_child("tests.tasks_for_tests:broken", os.path.dirname(TESTS_DIR))

        self.assertEqual(1, done.returncode)
        self.assertIn("Traceback (most recent call last)", done.stderr)
        self.assertEqual("gale: task failed: KeyError: 'no such column'", done.stderr.strip().splitlines()[-1])
        self.assertEqual([], self.worker.sent("put_xcom"))

    def test_a_function_without_task_or_a_bad_name_is_refused_with_what_to_do(self):
        cases = {"tests.tasks_for_tests:not_a_task": "is not a task: decorate it with @gale_sdk.task",
                 "tests.tasks_for_tests": "write it as module:function",
                 "tests.no_such_module:f": "cannot import module 'tests.no_such_module'",
                 "tests.tasks_for_tests:absent": "has no function 'absent'"}
        for function, message in cases.items():
            with self.subTest(function):
                done = self.worker.run_child(function, os.path.dirname(TESTS_DIR))
                self.assertEqual(1, done.returncode)
                self.assertIn(message, done.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    unittest.main()
