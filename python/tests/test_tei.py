import unittest
from concurrent import futures

import grpc

from gale_sdk import stubs
from gale_sdk.worker import AttemptEnded, Tei

pb, pb_grpc = stubs.load()


class FlakyServer(pb_grpc.TaskExecutionServicer):
    """Answers CompleteTask UNAVAILABLE a few times (a restarting server), then records it."""

    def __init__(self, outages, then=None):
        self.outages = outages
        self.then = then
        self.completed = []
        self.metadata = []

    def CompleteTask(self, request, context):
        self.metadata.append(dict(context.invocation_metadata()).get("authorization"))
        if self.outages > 0:
            self.outages -= 1
            context.abort(grpc.StatusCode.UNAVAILABLE, "restarting")
        if self.then is not None:
            context.abort(self.then, "this attempt is no longer current")
        self.completed.append(request.output_json)
        return pb.CompleteTaskResponse()


class TeiTest(unittest.TestCase):
    def serve(self, servicer):
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        pb_grpc.add_TaskExecutionServicer_to_server(servicer, server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self.addCleanup(server.stop, None)
        return Tei(f"127.0.0.1:{port}", "s3cret")

    def test_a_report_is_retried_through_an_outage_until_the_server_records_it(self):
        servicer = FlakyServer(outages=3)

        self.serve(servicer).call("CompleteTask", pb.CompleteTaskRequest(task_token="t", output_json="[1]"))

        self.assertEqual(["[1]"], servicer.completed)
        self.assertEqual(["Bearer s3cret"] * 4, servicer.metadata)

    def test_an_attempt_that_is_no_longer_current_ends_the_reporting_at_once(self):
        servicer = FlakyServer(outages=0, then=grpc.StatusCode.FAILED_PRECONDITION)

        with self.assertRaises(AttemptEnded):
            self.serve(servicer).call("CompleteTask", pb.CompleteTaskRequest(task_token="t"))
        self.assertEqual(1, len(servicer.metadata))


if __name__ == "__main__":
    unittest.main()
