"""The daemon's refusals and failed updates as typed errors."""
import unittest

import support  # noqa: F401  (this checkout's package first on the path)

from secagg_client import (BadRequest, DimensionMismatch, DoNotResend, PrivacyBudgetExhausted, RoundTimeout,
                           SecAggError, UpdateFailed)
from secagg_client.errors import failed, refused


class RefusedTest(unittest.TestCase):
    def test_a_4xx_keeps_the_daemons_code_status_and_message(self):
        error = refused(422, {"statusCode": 422, "code": "idempotency-key-reused", "message": "Idempotency-Key k was used for another update"}, "fallback")
        self.assertIsInstance(error, BadRequest)
        self.assertEqual((error.status, error.code), (422, "idempotency-key-reused"))
        self.assertIn("Idempotency-Key k was used for another update", str(error))

    def test_a_4xx_without_the_json_body_still_says_what_was_asked(self):
        error = refused(404, None, "GET /v1/x answered 404 Not Found")
        self.assertEqual((error.status, error.code), (404, "http-404"))
        self.assertIn("GET /v1/x answered 404", str(error))

    def test_a_refusal_for_the_privacy_budget_has_its_own_type(self):
        error = refused(409, {"statusCode": 409, "code": "privacy-budget", "message": "no room left"}, "fallback")
        self.assertIsInstance(error, PrivacyBudgetExhausted)
        self.assertEqual((error.status, error.code, error.update_id), (409, "privacy-budget", None))


class FailedTest(unittest.TestCase):
    def status(self, code):
        return {"id": "u1", "state": "failed", "round": 3, "code": code, "error": "why it failed"}

    def test_a_round_that_failed_after_shares_were_revealed_means_do_not_resend(self):
        error = failed(self.status("do-not-resend"))
        self.assertIsInstance(error, DoNotResend)
        self.assertIsInstance(error, UpdateFailed)
        self.assertEqual((error.update_id, error.code, error.round), ("u1", "do-not-resend", 3))
        self.assertIn("why it failed", str(error))

    def test_other_failures_are_update_failed(self):
        for code in ("invalid-update", "round-failed"):
            error = failed(self.status(code))
            self.assertIs(type(error), UpdateFailed)
            self.assertEqual(error.code, code)

    def test_a_failure_for_the_privacy_budget_names_the_update(self):
        error = failed(self.status("privacy-budget"))
        self.assertIsInstance(error, PrivacyBudgetExhausted)
        self.assertEqual((error.update_id, error.status), ("u1", None))


class ClientSideErrorsTest(unittest.TestCase):
    def test_a_dimension_mismatch_names_both_numbers(self):
        error = DimensionMismatch("mnist", 7850, 7840)
        self.assertIsInstance(error, ValueError)
        self.assertRegex(str(error), r"session mnist takes updates of 7850 float values, this update flattens to 7840")

    def test_a_round_timeout_is_a_timeout_naming_the_update_still_queued(self):
        error = RoundTimeout("u7", "queued", 60)
        self.assertIsInstance(error, TimeoutError)
        self.assertIsInstance(error, SecAggError)
        self.assertEqual(error.update_id, "u7")
        self.assertIn("u7 is still queued after 60 s", str(error))


if __name__ == "__main__":
    unittest.main()
