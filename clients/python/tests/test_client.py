"""SecAggClient against the in-process fake daemon: discovery, retries with one Idempotency-Key, results."""
import array
import os
import socket
import unittest
from unittest import mock

from support import TOKEN, FakeDaemon, needs_numpy, needs_torch, numpy as np, torch, write_runtime_note

from secagg_client import (BadRequest, DaemonUnreachable, DimensionMismatch, DoNotResend, PrivacyBudgetExhausted,
                           RoundTimeout, SecAggClient, SecAggError)


class FakeDaemonTest(unittest.TestCase):
    def setUp(self):
        self.fake = FakeDaemon({"s": 4, "big": 12})
        self.addCleanup(self.fake.close)

    def client(self, **options):
        options.setdefault("backoff", 0.01)
        return SecAggClient(data_dir=self.fake.data_dir(self), **options)


class DiscoveryTest(FakeDaemonTest):
    def test_the_data_directory_gives_the_address_and_the_token(self):
        client = self.client()
        self.assertEqual(client.api, self.fake.url)
        client.session("s")
        self.assertEqual(self.fake.requests[0]["headers"]["authorization"], "Bearer " + TOKEN)

    def test_the_nodes_variable_names_the_data_directory(self):
        data_dir = self.fake.data_dir(self)
        with mock.patch.dict(os.environ, {"SECAGG_NODE_DATA_DIR": data_dir}):
            self.assertEqual(SecAggClient().data_dir, data_dir)

    def test_no_daemon_in_the_data_directory_is_said_so(self):
        empty = self.fake.data_dir(self)
        os.remove(os.path.join(empty, "daemon.json"))
        with self.assertRaisesRegex(DaemonUnreachable, r"no daemon is running with data directory .*no daemon.json"):
            SecAggClient(data_dir=empty, start_timeout=0.3)

    def test_a_missing_token_names_its_file(self):
        data_dir = self.fake.data_dir(self)
        os.remove(os.path.join(data_dir, "api-token"))
        with self.assertRaisesRegex(SecAggError, r"cannot read the API token .*api-token"):
            SecAggClient(data_dir=data_dir)

    def test_a_proxy_in_the_environment_is_not_used_for_the_local_daemon(self):
        with mock.patch.dict(os.environ, {"http_proxy": "http://127.0.0.1:9", "no_proxy": ""}):
            self.assertEqual(self.client(retries=0).session("s")["dimension"], 4)

    def test_a_daemon_restarted_on_another_port_is_found_again(self):
        data_dir = self.fake.data_dir(self)
        client = SecAggClient(data_dir=data_dir, backoff=0.01)
        moved = FakeDaemon({"s": 4})
        self.addCleanup(moved.close)
        self.fake.close()
        write_runtime_note(data_dir, moved.url)
        client.session("s")
        self.assertEqual(client.api, moved.url)


class AggregateTest(FakeDaemonTest):
    def test_a_list_comes_back_a_list_with_the_rounds_numbers(self):
        self.fake.clipped = 2
        result = self.client().aggregate("s", [0.5, -1.0, 2.0, 0.0], weight=30)
        self.assertEqual(result.mean, [0.5, -1.0, 2.0, 0.0])
        self.assertEqual((result.round, result.survivors, result.participants, result.weight_sum, result.clipped, result.update_id),
                         (1, 1, 1, 30.0, 2, "u1"))
        post = self.fake.posts()[0]
        self.assertEqual((post["query"], post["headers"]["content-type"]), ({"weight": "30.0"}, "application/octet-stream"))

    def test_the_mean_is_fetched_as_binary(self):
        self.client().aggregate("s", [1.0, 2.0, 3.0, 4.0])
        rounds = [r for r in self.fake.requests if "/rounds/" in r["path"]]
        self.assertEqual([r["headers"]["accept"] for r in rounds], ["application/octet-stream"])

    @needs_numpy
    def test_a_numpy_array_comes_back_in_its_shape(self):
        update = np.arange(12, dtype=np.float64).reshape(3, 4) / 4
        result = self.client().aggregate("big", update)
        self.assertEqual((result.mean.shape, result.mean.dtype), ((3, 4), np.float64))
        np.testing.assert_array_equal(result.mean, update)

    @needs_torch
    def test_a_state_dict_comes_back_a_state_dict(self):
        model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.BatchNorm1d(1))
        state = model.state_dict()  # 6 + 4 floats and a counter: "big" takes 12, so two more
        state["extra"] = torch.ones(2, dtype=torch.float64)
        result = self.client().aggregate("big", state)
        self.assertEqual(list(result.mean), list(state))
        self.assertIs(result.mean["1.num_batches_tracked"], state["1.num_batches_tracked"])
        self.assertEqual(result.mean["extra"].dtype, torch.float64)

    def test_a_result_without_a_template_is_a_flat_float32_array(self):
        client = self.client()
        client.aggregate("s", [1.0, 2.0, 3.0, 4.0])
        self.assertEqual(client.result("s", 1).mean, array.array("f", [1.0, 2.0, 3.0, 4.0]))

    def test_an_update_of_the_wrong_size_is_not_sent(self):
        with self.assertRaises(DimensionMismatch) as caught:
            self.client().aggregate("s", [1.0, 2.0, 3.0])
        self.assertEqual((caught.exception.expected, caught.exception.actual), (4, 3))
        self.assertEqual(self.fake.posts(), [])

    def test_a_refusal_is_not_retried_and_keeps_the_daemons_code(self):
        with self.assertRaises(BadRequest) as caught:
            self.client().aggregate("nope", [1.0])
        self.assertEqual((caught.exception.status, caught.exception.code), (404, "unknown-session"))
        self.assertEqual(len(self.fake.requests), 1)

    def test_a_failed_update_raises_its_type(self):
        self.fake.final = {"state": "failed", "code": "do-not-resend", "error": "its round failed after shares of it were revealed"}
        with self.assertRaisesRegex(DoNotResend, r"update u1 failed \(do-not-resend\): its round failed"):
            self.client().aggregate("s", [1.0, 2.0, 3.0, 4.0])
        self.fake.final = {"state": "failed", "code": "privacy-budget", "error": "spent"}
        with self.assertRaises(PrivacyBudgetExhausted):
            self.client().aggregate("s", [1.0, 2.0, 3.0, 4.0])

    def test_an_update_not_aggregated_in_time_raises_round_timeout_naming_it(self):
        self.fake.final = {"state": "queued"}
        with self.assertRaises(RoundTimeout) as caught:
            self.client().aggregate("s", [1.0, 2.0, 3.0, 4.0], timeout=0.2)
        self.assertEqual((caught.exception.update_id, caught.exception.state), ("u1", "queued"))


class RetryTest(FakeDaemonTest):
    def test_a_submit_whose_answer_was_lost_is_retried_with_the_same_key_and_queued_once(self):
        self.fake.drop_posts = 1
        result = self.client().aggregate("s", [1.0, 2.0, 3.0, 4.0], weight=2)
        posts = self.fake.posts()
        self.assertEqual(len(posts), 2)
        keys = {post["headers"]["idempotency-key"] for post in posts}
        self.assertEqual(len(keys), 1)
        self.assertRegex(keys.pop(), r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertEqual(len(self.fake.queued), 1)
        self.assertEqual(result.update_id, "u1")

    def test_each_submit_has_a_key_of_its_own(self):
        client = self.client()
        client.aggregate("s", [1.0, 2.0, 3.0, 4.0])
        client.aggregate("s", [1.0, 2.0, 3.0, 4.0])
        self.assertEqual(len({post["headers"]["idempotency-key"] for post in self.fake.posts()}), 2)
        self.assertEqual(len(self.fake.queued), 2)

    def test_a_key_of_the_callers_own_makes_a_resubmit_idempotent(self):
        client = self.client()
        first = client.submit("s", [1.0, 2.0, 3.0, 4.0], idempotency_key="run-7-round-3")
        again = client.submit("s", [1.0, 2.0, 3.0, 4.0], idempotency_key="run-7-round-3")
        self.assertEqual(first["id"], again["id"])
        self.assertEqual(len(self.fake.queued), 1)
        with self.assertRaises(BadRequest) as caught:
            client.submit("s", [9.0, 2.0, 3.0, 4.0], idempotency_key="run-7-round-3")
        self.assertEqual(caught.exception.code, "idempotency-key-reused")

    def test_5xx_answers_are_retried(self):
        self.fake.fail_next = [503, 500]
        result = self.client().aggregate("s", [1.0, 2.0, 3.0, 4.0])
        self.assertEqual(result.mean, [1.0, 2.0, 3.0, 4.0])

    def test_retries_are_bounded(self):
        self.fake.fail_next = [503] * 10
        with self.assertRaisesRegex(DaemonUnreachable, r"GET /v1/sessions/s at http://127.0.0.1:\d+ answered 503"):
            self.client(retries=2).session("s")
        self.assertEqual(len(self.fake.requests), 3)

    def test_a_daemon_that_never_answers_is_unreachable(self):
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
        client = SecAggClient(api="http://127.0.0.1:%d" % port, token=TOKEN, retries=2, backoff=0.01)
        with self.assertRaisesRegex(DaemonUnreachable, r"cannot reach the daemon at http://127.0.0.1:\d+ \(GET /v1/sessions/s, 3 tries\)"):
            client.session("s")


if __name__ == "__main__":
    unittest.main()
