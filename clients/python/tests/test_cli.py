"""python3 -m secagg_client, and the .npy files it reads and writes without numpy."""
import contextlib
import io
import json
import os
import struct
import tempfile
import unittest

from support import FakeDaemon, needs_numpy, numpy as np

from secagg_client.__main__ import main
from secagg_client.npy import read_npy, write_npy


class NpyTest(unittest.TestCase):
    def test_what_it_writes_it_reads_back(self):
        values, shape = read_npy(write_npy([1.0, -2.5, 3.0, 0.0, 0.5, 8.0], (2, 3)), "x.npy")
        self.assertEqual((list(values), shape), ([1.0, -2.5, 3.0, 0.0, 0.5, 8.0], (2, 3)))

    def test_the_header_is_padded_so_the_data_starts_64_byte_aligned(self):
        data = write_npy([1.0], (1,))
        self.assertEqual((len(data) - 4) % 64, 0)

    @needs_numpy
    def test_numpy_reads_what_it_writes_and_it_reads_what_numpy_writes(self):
        update = np.arange(6, dtype=np.float64).reshape(3, 2) / 4
        np.testing.assert_array_equal(np.load(io.BytesIO(write_npy(update.ravel().tolist(), update.shape))), update)
        saved = io.BytesIO()
        np.save(saved, update)
        values, shape = read_npy(saved.getvalue(), "u.npy")
        self.assertEqual((list(values), shape), (update.ravel().tolist(), (3, 2)))

    def test_files_that_are_not_updates_are_refused_naming_why(self):
        header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }"
        ints = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + bytes(16)
        with self.assertRaisesRegex(ValueError, r"x.npy holds <i8 values"):
            read_npy(ints, "x.npy")
        with self.assertRaisesRegex(ValueError, r"x.npy declares shape \(2, 3\) \(6 values\) but holds 20 bytes"):
            read_npy(write_npy([1.0] * 6, (2, 3))[:-4], "x.npy")


class CommandLineTest(unittest.TestCase):
    def setUp(self):
        self.fake = FakeDaemon({"s": 4})
        self.addCleanup(self.fake.close)
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.dir = directory.name

    def run_main(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--data-dir", self.fake.data_dir(self), "--session", "s", *args])
        return code, out.getvalue(), err.getvalue()

    def file(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_an_npy_update_prints_the_summary_and_writes_the_mean_in_its_shape(self):
        update = self.file("u.npy", write_npy([0.5, 1.0, 1.5, 2.0], (2, 2)))
        out = os.path.join(self.dir, "mean.npy")
        code, printed, err = self.run_main("--file", update, "--weight", "3", "--out", out)
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(json.loads(printed), {"round": 1, "update": "u1", "survivors": 1, "participants": 1, "weightSum": 3.0, "clipped": 0})
        with open(out, "rb") as f:
            values, shape = read_npy(f.read(), out)
        self.assertEqual((list(values), shape), ([0.5, 1.0, 1.5, 2.0], (2, 2)))

    def test_a_raw_float32_update_gives_a_raw_float32_mean(self):
        update = self.file("u.f32", struct.pack("<4f", 1, 2, 3, 4))
        out = os.path.join(self.dir, "mean.f32")
        code, _, _ = self.run_main("--file", update, "--out", out)
        self.assertEqual(code, 0)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), struct.pack("<4f", 1, 2, 3, 4))

    def test_the_mean_is_printed_when_asked_for(self):
        code, printed, _ = self.run_main("--file", self.file("u.f32", struct.pack("<4f", 1, 2, 3, 0.5)), "--print-mean")
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(printed)["mean"], [1.0, 2.0, 3.0, 0.5])

    def test_a_file_that_is_no_update_exits_2_before_any_request(self):
        code, _, err = self.run_main("--file", self.file("u.f32", b"12345"))
        self.assertEqual(code, 2)
        self.assertIn("is neither .npy nor raw float32 (5 bytes, not a multiple of 4)", err)
        self.assertEqual(self.fake.requests, [])

    def test_a_refusal_exits_1_with_the_daemons_words(self):
        code, _, err = self.run_main("--file", self.file("u.f32", struct.pack("<3f", 1, 2, 3)))
        self.assertEqual(code, 1)
        self.assertIn("session s takes updates of 4 float values, this update flattens to 3", err)


if __name__ == "__main__":
    unittest.main()
